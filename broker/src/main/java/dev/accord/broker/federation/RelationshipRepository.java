package dev.accord.broker.federation;

import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.r2dbc.annotation.R2dbcRepository;
import io.micronaut.data.repository.reactive.ReactorCrudRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** R2DBC repository of federation relationships. */
@R2dbcRepository(dialect = Dialect.POSTGRES)
public interface RelationshipRepository extends ReactorCrudRepository<RelationshipRow, String> {

    Flux<RelationshipRow> findByReceiver(String receiver);

    Flux<RelationshipRow> findBySource(String source);

    Mono<Boolean> existsByReceiverAndSource(String receiver, String source);
}
