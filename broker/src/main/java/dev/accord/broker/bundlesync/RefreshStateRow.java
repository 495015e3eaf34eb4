package dev.accord.broker.bundlesync;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** Refresh bookkeeping and the refresh lease of one member. */
@MappedEntity("refresh_state")
public record RefreshStateRow(@Id String trustDomain, String status, int consecutiveFailures, @Nullable Instant lastAttemptAt,
                              @Nullable Instant lastSuccessAt, @Nullable String lastErrorReason, @Nullable String lastError,
                              Instant nextRefreshAt, @Nullable String leaseOwner, @Nullable Instant leaseUntil,
                              long refreshCount) {
}
