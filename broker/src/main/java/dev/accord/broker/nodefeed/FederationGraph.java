package dev.accord.broker.nodefeed;

import dev.accord.spiffe.spiffeid.TrustDomain;

import java.util.Set;

/**
 * FederationGraph answers which trust domains' bundles a member receives (directed federation relationships,
 * SPIFFE_Federation.md §6). Implemented by the federation component.
 */
@FunctionalInterface
public interface FederationGraph {

    /** The trust domains whose bundles {@code member} receives (not including itself). */
    Set<TrustDomain> receivedBy(TrustDomain member);
}
