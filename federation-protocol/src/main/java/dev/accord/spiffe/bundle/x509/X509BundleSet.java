package dev.accord.spiffe.bundle.x509;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * X509BundleSet is an immutable set of X.509 bundles keyed by trust domain; a lookup never returns another
 * domain's authorities (SPIFFE_Trust_Domain_and_Bundle.md §3, FED §4.2).
 *
 * @param bundles the bundles by trust domain
 */
public record X509BundleSet(Map<TrustDomain, X509Bundle> bundles) implements X509BundleSource {

    public X509BundleSet {
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
    public static X509BundleSet of(Collection<X509Bundle> bundles) {
        Map<TrustDomain, X509Bundle> m = new HashMap<>();
        for (X509Bundle b : bundles) {
            if (m.putIfAbsent(b.trustDomain(), b) != null) {
                throw new BundleException(Reason.DUPLICATE_TRUST_DOMAIN,
                        "two X.509 bundles for trust domain \"" + b.trustDomain() + "\"");
            }
        }
        return new X509BundleSet(m);
    }

    /** Returns the bundle of {@code td}, if held. */
    public Optional<X509Bundle> find(TrustDomain td) {
        return Optional.ofNullable(bundles.get(td));
    }

    /** Returns a set with {@code bundle} added or replacing the one of its trust domain. */
    public X509BundleSet with(X509Bundle bundle) {
        Map<TrustDomain, X509Bundle> m = new HashMap<>(bundles);
        m.put(bundle.trustDomain(), bundle);
        return new X509BundleSet(m);
    }

    @Override
    public X509Bundle bundleFor(TrustDomain td) {
        return find(td).orElseThrow(() -> new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND,
                "no X.509 bundle for trust domain \"" + td + "\""));
    }
}
