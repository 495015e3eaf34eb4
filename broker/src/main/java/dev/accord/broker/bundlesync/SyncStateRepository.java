package dev.accord.broker.bundlesync;

import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.r2dbc.annotation.R2dbcRepository;
import io.micronaut.data.repository.reactive.ReactorCrudRepository;

/** Public repository of refresh state rows, for registration and status views. */
@R2dbcRepository(dialect = Dialect.POSTGRES)
public interface SyncStateRepository extends ReactorCrudRepository<RefreshStateRow, String> {
}
