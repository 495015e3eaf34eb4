package dev.accord.spiffe.federation;

import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;

import java.util.Optional;

/**
 * BundleUpdatePolicy decides whether a freshly fetched bundle may replace the one held. A fetch never lowers the
 * {@code spiffe_sequence} (TB §4.1.1: it only increases), never replaces a bundle that has authorities with one
 * that has none, and reports an equal sequence with different content (TB §4.1.1 requires the sequence to change
 * with the content) while still accepting it, so a member that forgets to bump the sequence can still rotate.
 */
public final class BundleUpdatePolicy {

    private BundleUpdatePolicy() {
    }

    /** The outcome of {@link #decide}. */
    public sealed interface Decision {
        /** Replace the held bundle; {@code warning} is set when the member broke a SHOULD/MUST that Accord tolerates. */
        record Accept(SpiffeBundle bundle, Optional<String> warning) implements Decision {
        }

        /** The fetched bundle equals the held one: nothing to do. */
        record Unchanged() implements Decision {
        }

        /** Keep the held bundle; the fetch is recorded as a failure with {@code reason}. */
        record Reject(Reason reason, String message) implements Decision {
        }
    }

    public static Decision decide(Optional<SpiffeBundle> held, SpiffeBundle fetched) {
        if (held.isEmpty()) {
            return new Decision.Accept(fetched, Optional.empty());
        }
        SpiffeBundle h = held.get();
        if (!h.trustDomain().equals(fetched.trustDomain())) {
            return new Decision.Reject(Reason.TRUST_DOMAIN_MISMATCH, "fetched bundle is for " + fetched.trustDomain()
                    + ", held one for " + h.trustDomain());
        }
        if (h.equals(fetched)) {
            return new Decision.Unchanged();
        }
        if (h.sequence().isPresent() && fetched.sequence().isPresent()
                && fetched.sequence().getAsLong() < h.sequence().getAsLong()) {
            return new Decision.Reject(Reason.SEQUENCE_REGRESSION, "spiffe_sequence went backwards from "
                    + h.sequence().getAsLong() + " to " + fetched.sequence().getAsLong() + "; keeping the held bundle");
        }
        if (!h.isEmpty() && fetched.isEmpty()) {
            return new Decision.Reject(Reason.EMPTY_BUNDLE_REPLACEMENT,
                    "fetched bundle has no authorities; keeping the held bundle (Accord never empties a trust domain on refresh)");
        }
        if (h.sequence().isPresent() && h.sequence().equals(fetched.sequence())) {
            return new Decision.Accept(fetched, Optional.of("content changed but spiffe_sequence stayed at "
                    + h.sequence().getAsLong() + " (TB §4.1.1 requires it to change)"));
        }
        if (h.sequence().isPresent() && fetched.sequence().isEmpty()) {
            return new Decision.Accept(fetched, Optional.of("fetched bundle has no spiffe_sequence; ordering cannot be checked"));
        }
        return new Decision.Accept(fetched, Optional.empty());
    }
}
