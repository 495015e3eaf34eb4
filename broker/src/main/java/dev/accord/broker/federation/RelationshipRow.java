package dev.accord.broker.federation;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** "receiver receives source's bundle" as stored. */
@MappedEntity("federation_relationship")
public record RelationshipRow(@Id String id, String receiver, String source, Instant createdAt) {
}
