package dev.accord.broker.bundlesync;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/** One accepted bundle version of a member. */
@Serdeable
@MappedEntity("bundle_history")
public record BundleHistoryRow(@Id @GeneratedValue @Nullable Long id, String trustDomain, @Nullable Long sequence,
                               String digest, Instant fetchedAt) {
}
