package dev.accord.broker.trustdomain;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A registered member trust domain as stored. */
@MappedEntity("trust_domain")
public record TrustDomainRow(@Id String name, String endpointUrl, String profile, @Nullable String endpointSpiffeId,
                             @Nullable String bootstrapBundle, Instant createdAt, Instant updatedAt) {
}
