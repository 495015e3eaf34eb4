package dev.accord.broker.bundlesync;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.r2dbc.annotation.R2dbcRepository;
import io.micronaut.data.repository.reactive.ReactorCrudRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;

/** R2DBC repositories of the bundle sync component. */
final class BundleRepositories {

    private BundleRepositories() {
    }

    @R2dbcRepository(dialect = Dialect.POSTGRES)
    interface MemberBundles extends ReactorCrudRepository<MemberBundleRow, String> {
    }

    @R2dbcRepository(dialect = Dialect.POSTGRES)
    interface History extends ReactorCrudRepository<BundleHistoryRow, Long> {
        Flux<BundleHistoryRow> findByTrustDomainOrderByIdDesc(String trustDomain);
    }

    @R2dbcRepository(dialect = Dialect.POSTGRES)
    interface RefreshStates extends ReactorCrudRepository<RefreshStateRow, String> {

        /** Takes the refresh lease if it is free or expired; 1 when this replica now holds it. */
        @Query("UPDATE refresh_state SET lease_owner = :owner, lease_until = :until"
                + " WHERE trust_domain = :trustDomain AND next_refresh_at <= :now"
                + " AND (lease_until IS NULL OR lease_until < :now)")
        Mono<Long> claim(String trustDomain, String owner, Instant until, Instant now);

        Flux<RefreshStateRow> findByNextRefreshAtLessThanEquals(Instant now);
    }
}
