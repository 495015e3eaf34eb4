package dev.accord.spiffe.federation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * RefreshPolicy decides when to poll a bundle endpoint again. After a success the interval is the bundle's
 * {@code spiffe_refresh_hint} clamped to [{@code min}, {@code max}], or {@code defaultInterval} without a hint
 * (five minutes is what TB §6.2 suggests). After {@code n} consecutive failures it backs off exponentially from
 * that interval ({@code interval × 2^(n-1)}, capped at {@code max}): a missed poll is retried at the next interval,
 * never aggressively (FED §6.2). Jitter spreads replicas and members apart: the result is scaled by a factor in
 * [1 - jitter, 1] and never leaves [{@code min}, {@code max}].
 *
 * @param min shortest interval (guards against absurdly small hints)
 * @param max longest interval (guards against absurdly large hints)
 * @param defaultInterval used when the bundle has no refresh hint
 * @param jitter fraction in [0, 0.5]
 */
public record RefreshPolicy(Duration min, Duration max, Duration defaultInterval, double jitter) {

    public RefreshPolicy {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(defaultInterval, "defaultInterval");
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 < min <= max");
        }
        if (jitter < 0 || jitter > 0.5) {
            throw new IllegalArgumentException("jitter must be within [0, 0.5]");
        }
    }

    /** 30 s … 1 h, 5 min without a hint, 10 % jitter. */
    public static RefreshPolicy defaults() {
        return new RefreshPolicy(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMinutes(5), 0.1);
    }

    /** The interval before jitter: the clamped hint, backed off after {@code failures} consecutive failures. */
    public Duration baseInterval(Optional<Duration> hint, int failures) {
        Duration base = clamp(hint.orElse(defaultInterval));
        if (failures <= 0) {
            return base;
        }
        int shift = Math.min(failures - 1, 30);
        long millis = base.toMillis();
        long backedOff = millis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : millis << shift;
        return clamp(Duration.ofMillis(backedOff));
    }

    /** The delay until the next poll, with jitter drawn from {@code random}. */
    public Duration nextDelay(Optional<Duration> hint, int failures, RandomGenerator random) {
        Duration base = baseInterval(hint, failures);
        double factor = 1.0 - jitter * random.nextDouble();
        return clamp(Duration.ofMillis((long) (base.toMillis() * factor)));
    }

    private Duration clamp(Duration d) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }
}
