package dev.accord.spiffe.bundle.jwt;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JwtBundleSet is an immutable set of JWT bundles keyed by trust domain; a lookup never returns another
 * domain's keys (SPIFFE_Trust_Domain_and_Bundle.md §3, FED §4.2).
 *
 * @param bundles the bundles by trust domain
 */
public record JwtBundleSet(Map<TrustDomain, JwtBundle> bundles) implements JwtBundleSource {

    public JwtBundleSet {
        bundles.forEach((td, b) -> {
            if (!b.trustDomain().equals(td)) {
                throw new BundleException(Reason.TRUST_DOMAIN_MISMATCH,
                        "bundle of \"" + b.trustDomain() + "\" filed under \"" + td + "\"");
            }
        });
        bundles = Map.copyOf(bundles);
    }

    /**
     * Returns a set of the given bundles.
     *
     * @throws BundleException DUPLICATE_TRUST_DOMAIN if two bundles share a trust domain
     */
    public static JwtBundleSet of(Collection<JwtBundle> bundles) {
        Map<TrustDomain, JwtBundle> m = new HashMap<>();
        for (JwtBundle b : bundles) {
            if (m.putIfAbsent(b.trustDomain(), b) != null) {
                throw new BundleException(Reason.DUPLICATE_TRUST_DOMAIN,
                        "two JWT bundles for trust domain \"" + b.trustDomain() + "\"");
            }
        }
        return new JwtBundleSet(m);
    }

    /** Returns the bundle of {@code td}, if held. */
    public Optional<JwtBundle> find(TrustDomain td) {
        return Optional.ofNullable(bundles.get(td));
    }

    /** Returns a set with {@code bundle} added or replacing the one of its trust domain. */
    public JwtBundleSet with(JwtBundle bundle) {
        Map<TrustDomain, JwtBundle> m = new HashMap<>(bundles);
        m.put(bundle.trustDomain(), bundle);
        return new JwtBundleSet(m);
    }

    @Override
    public JwtBundle bundleFor(TrustDomain td) {
        return find(td).orElseThrow(() -> new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND,
                "no JWT bundle for trust domain \"" + td + "\""));
    }
}
