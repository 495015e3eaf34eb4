package dev.accord.broker.exchange;

import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;

/**
 * MemberBundles tells the token exchange what the broker holds for a trust domain: nothing (not a member), a
 * member without a federated bundle yet, or the current bundle. Implemented by the bundle sync component.
 */
@FunctionalInterface
public interface MemberBundles {

    Lookup lookup(TrustDomain td);

    /** The answer of {@link #lookup}. */
    sealed interface Lookup {
        /** The trust domain is not registered with the broker. */
        record NotMember() implements Lookup {
        }

        /** Registered, but no bundle has been fetched and accepted yet. */
        record NoBundle() implements Lookup {
        }

        /** The last good bundle. */
        record Held(SpiffeBundle bundle) implements Lookup {
        }
    }
}
