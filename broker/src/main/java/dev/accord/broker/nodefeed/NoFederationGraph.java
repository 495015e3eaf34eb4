package dev.accord.broker.nodefeed;

import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

import java.util.Set;

/** Used only when no federation component provides {@link FederationGraph}: no member receives other bundles. */
@Singleton
@Secondary
class NoFederationGraph implements FederationGraph {
    @Override
    public Set<TrustDomain> receivedBy(TrustDomain member) {
        return Set.of();
    }
}
