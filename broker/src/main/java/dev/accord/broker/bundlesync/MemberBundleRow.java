package dev.accord.broker.bundlesync;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** The last good bundle of a member, as stored. */
@MappedEntity("member_bundle")
public record MemberBundleRow(@Id String trustDomain, String jwks, @Nullable Long sequence, String digest, Instant fetchedAt) {
}
