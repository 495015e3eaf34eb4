package dev.accord.spiffe.federation;

import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundleSet;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.TestCa;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FD07, FD09, FD14, FD15 (refresh timing and update rules) and BN11 (no empty replacement). */
class FederationPoliciesTest {

    private static final TrustDomain TD = new TrustDomain("example.org");
    private static final RefreshPolicy POLICY = RefreshPolicy.defaults();     // 30 s … 1 h, default 5 min, 10 % jitter
    private static final SpiffeBundle FULL = SpiffeBundle.of(TD, List.of(TestCa.create("example.org").rootCertificate()),
            Map.of()).withSequence(5);

    /** A generator that always returns {@code v} from nextDouble(). */
    private static RandomGenerator fixed(double v) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return v;
            }
        };
    }

    @Test
    void fd07_refreshFollowsTheHintWithinBoundsAndDefaultsToFiveMinutes() {
        assertThat(POLICY.baseInterval(Optional.of(Duration.ofMinutes(10)), 0)).isEqualTo(Duration.ofMinutes(10));
        assertThat(POLICY.baseInterval(Optional.of(Duration.ofSeconds(1)), 0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(POLICY.baseInterval(Optional.of(Duration.ofDays(28)), 0)).isEqualTo(Duration.ofHours(1));
        assertThat(POLICY.baseInterval(Optional.empty(), 0)).isEqualTo(Duration.ofMinutes(5));
        // Jitter scales by a factor in [0.9, 1]: 10 min → between 9 and 10 min.
        assertThat(POLICY.nextDelay(Optional.of(Duration.ofMinutes(10)), 0, fixed(0.0))).isEqualTo(Duration.ofMinutes(10));
        assertThat(POLICY.nextDelay(Optional.of(Duration.ofMinutes(10)), 0, fixed(0.5))).isEqualTo(Duration.ofSeconds(570));
        assertThat(POLICY.nextDelay(Optional.of(Duration.ofMinutes(10)), 0, fixed(0.999999)))
                .isBetween(Duration.ofMinutes(9), Duration.ofSeconds(541));
        // Never below the minimum, even with jitter.
        assertThat(POLICY.nextDelay(Optional.of(Duration.ofSeconds(1)), 0, fixed(0.99))).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> new RefreshPolicy(Duration.ZERO, Duration.ofHours(1), Duration.ofMinutes(5), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RefreshPolicy(Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofMinutes(5), 0.9))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fd15_aMissedPollRetriesAtTheNextIntervalThenBacksOff() {
        Optional<Duration> hint = Optional.of(Duration.ofMinutes(5));
        assertThat(POLICY.baseInterval(hint, 1)).isEqualTo(Duration.ofMinutes(5));    // not sooner than the interval
        assertThat(POLICY.baseInterval(hint, 2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(POLICY.baseInterval(hint, 3)).isEqualTo(Duration.ofMinutes(20));
        assertThat(POLICY.baseInterval(hint, 4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(POLICY.baseInterval(hint, 5)).isEqualTo(Duration.ofHours(1));       // capped at max
        assertThat(POLICY.baseInterval(hint, 1000)).isEqualTo(Duration.ofHours(1));    // no overflow
    }

    @Test
    void fd09_sequenceMustNotGoBackwardsAndEqualSequenceChangesAreReported() {
        assertThat(BundleUpdatePolicy.decide(Optional.empty(), FULL)).isEqualTo(
                new BundleUpdatePolicy.Decision.Accept(FULL, Optional.empty()));
        assertThat(BundleUpdatePolicy.decide(Optional.of(FULL), FULL.withSequence(5)))
                .isInstanceOf(BundleUpdatePolicy.Decision.Unchanged.class);
        assertThat(BundleUpdatePolicy.decide(Optional.of(FULL), FULL.withSequence(4)))
                .isInstanceOfSatisfying(BundleUpdatePolicy.Decision.Reject.class,
                        r -> assertThat(r.reason()).isEqualTo(Reason.SEQUENCE_REGRESSION));
        SpiffeBundle newer = FULL.withX509Authorities(List.of(TestCa.create("example.org").rootCertificate())).withSequence(6);
        assertThat(BundleUpdatePolicy.decide(Optional.of(FULL), newer))
                .isEqualTo(new BundleUpdatePolicy.Decision.Accept(newer, Optional.empty()));
        SpiffeBundle sameSeq = newer.withSequence(5);
        assertThat(BundleUpdatePolicy.decide(Optional.of(FULL), sameSeq))
                .isInstanceOfSatisfying(BundleUpdatePolicy.Decision.Accept.class,
                        a -> assertThat(a.warning()).hasValueSatisfying(w -> assertThat(w).contains("stayed at 5")));
        assertThat(BundleUpdatePolicy.decide(Optional.of(FULL), SpiffeBundle.of(new TrustDomain("other.org"), List.of(),
                Map.of()))).isInstanceOf(BundleUpdatePolicy.Decision.Reject.class);
    }

    @Test
    void bn11_aRefreshNeverEmptiesANonEmptyBundle() {
        SpiffeBundle empty = SpiffeBundle.of(TD, List.of(), Map.of()).withSequence(9);
        assertThat(BundleUpdatePolicy.decide(Optional.of(FULL), empty))
                .isInstanceOfSatisfying(BundleUpdatePolicy.Decision.Reject.class,
                        r -> assertThat(r.reason()).isEqualTo(Reason.EMPTY_BUNDLE_REPLACEMENT));
        // An empty bundle is still a valid first bundle (TB §4.1.3: then no SVID of the domain is valid).
        assertThat(BundleUpdatePolicy.decide(Optional.empty(), empty)).isInstanceOf(BundleUpdatePolicy.Decision.Accept.class);
    }

    @Test
    void fd14_terminatingARelationshipDropsTheBundleFromTheSet() {
        SpiffeBundleSet set = SpiffeBundleSet.of(List.of(FULL));
        SpiffeBundleSet after = set.without(TD);
        assertThat(after.find(TD)).isEmpty();
        assertThatThrownBy(() -> after.bundleFor(TD)).isInstanceOf(BundleNotFoundException.class);
        assertThat(set.find(TD)).contains(FULL);    // snapshots are immutable: validators switch atomically
    }
}
