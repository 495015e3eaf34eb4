package dev.accord.broker.exchange;

import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

/**
 * Used only when no bundle component provides {@link MemberBundles}: every trust domain is then unknown and every
 * exchange is refused. The bundle sync component's implementation takes precedence.
 */
@Singleton
@Secondary
class NoMemberBundles implements MemberBundles {
    @Override
    public Lookup lookup(TrustDomain td) {
        return new Lookup.NotMember();
    }
}
