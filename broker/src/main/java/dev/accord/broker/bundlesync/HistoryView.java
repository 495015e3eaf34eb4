package dev.accord.broker.bundlesync;

import jakarta.inject.Singleton;

import java.util.List;

/** Read access to bundle history for the API. */
@Singleton
public class HistoryView {

    private final BundleRepositories.History history;

    HistoryView(BundleRepositories.History history) {
        this.history = history;
    }

    public List<BundleHistoryRow> of(String trustDomain) {
        return history.findByTrustDomainOrderByIdDesc(trustDomain).take(100).collectList().block();
    }
}
