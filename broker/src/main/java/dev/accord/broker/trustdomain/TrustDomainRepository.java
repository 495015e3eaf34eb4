package dev.accord.broker.trustdomain;

import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.r2dbc.annotation.R2dbcRepository;
import io.micronaut.data.repository.reactive.ReactorCrudRepository;

/** R2DBC repository of member trust domains. */
@R2dbcRepository(dialect = Dialect.POSTGRES)
public interface TrustDomainRepository extends ReactorCrudRepository<TrustDomainRow, String> {
}
