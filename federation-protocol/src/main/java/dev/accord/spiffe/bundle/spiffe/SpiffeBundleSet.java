package dev.accord.spiffe.bundle.spiffe;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.jwt.JwtBundle;
import dev.accord.spiffe.bundle.jwt.JwtBundleSource;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * SpiffeBundleSet is an immutable set of SPIFFE bundles keyed by trust domain. It is both an X.509 and
 * (through {@link #jwtSource()}) a JWT bundle source; bundles of different domains are never merged (FED §4.2).
 *
 * @param bundles the bundles by trust domain
 */
public record SpiffeBundleSet(Map<TrustDomain, SpiffeBundle> bundles) implements X509BundleSource {

    public SpiffeBundleSet {
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
    public static SpiffeBundleSet of(Collection<SpiffeBundle> bundles) {
        Map<TrustDomain, SpiffeBundle> m = new HashMap<>();
        for (SpiffeBundle b : bundles) {
            if (m.putIfAbsent(b.trustDomain(), b) != null) {
                throw new BundleException(Reason.DUPLICATE_TRUST_DOMAIN,
                        "two bundles for trust domain \"" + b.trustDomain() + "\"");
            }
        }
        return new SpiffeBundleSet(m);
    }

    /** Returns the bundle of {@code td}, if held. */
    public Optional<SpiffeBundle> find(TrustDomain td) {
        return Optional.ofNullable(bundles.get(td));
    }

    /** Returns a set with {@code bundle} added or replacing the one of its trust domain. */
    public SpiffeBundleSet with(SpiffeBundle bundle) {
        Map<TrustDomain, SpiffeBundle> m = new HashMap<>(bundles);
        m.put(bundle.trustDomain(), bundle);
        return new SpiffeBundleSet(m);
    }

    /** Returns a set without the bundle of {@code td} (FED §6.3: a terminated relationship drops the bundle). */
    public SpiffeBundleSet without(TrustDomain td) {
        Map<TrustDomain, SpiffeBundle> m = new HashMap<>(bundles);
        m.remove(td);
        return new SpiffeBundleSet(m);
    }

    @Override
    public X509Bundle bundleFor(TrustDomain td) {
        return require(td).x509Bundle();
    }

    /** Views this set as a JWT bundle source. */
    public JwtBundleSource jwtSource() {
        return td -> require(td).jwtBundle();
    }

    private SpiffeBundle require(TrustDomain td) {
        return find(td).orElseThrow(() -> new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND,
                "no bundle for trust domain \"" + td + "\""));
    }
}
