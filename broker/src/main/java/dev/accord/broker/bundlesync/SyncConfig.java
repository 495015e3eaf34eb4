package dev.accord.broker.bundlesync;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Bundle sync settings ({@code accord.sync.*}).
 *
 * @param enabled whether this replica refreshes members at all
 * @param minInterval lower bound for a member's refresh hint
 * @param maxInterval upper bound for a member's refresh hint (and for backoff)
 * @param defaultInterval used when a bundle has no refresh hint (TB §6.2 suggests 5 minutes)
 * @param jitter fraction by which intervals are shortened at random
 * @param lease how long a replica holds a member's refresh lease
 * @param fetchTimeout overall limit of one fetch
 * @param maxBundleBytes largest bundle document accepted
 * @param staleAfter a member whose last success is older than this many intervals is reported stale
 * @param webPkiRoots PEM file of roots for https_web endpoints instead of the JDK's trust store (private PKI, tests)
 */
@ConfigurationProperties(SyncConfig.PREFIX)
public record SyncConfig(@Bindable(defaultValue = "true") boolean enabled,
                         @Bindable(defaultValue = "30s") Duration minInterval,
                         @Bindable(defaultValue = "1h") Duration maxInterval,
                         @Bindable(defaultValue = "5m") Duration defaultInterval,
                         @Bindable(defaultValue = "0.1") double jitter,
                         @Bindable(defaultValue = "60s") Duration lease,
                         @Bindable(defaultValue = "10s") Duration fetchTimeout,
                         @Bindable(defaultValue = "1048576") long maxBundleBytes,
                         @Bindable(defaultValue = "3") int staleAfter,
                         @io.micronaut.core.annotation.Nullable String webPkiRoots) {

    public static final String PREFIX = "accord.sync";
}
