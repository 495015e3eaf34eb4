package dev.accord.spiffe.bundle.jwt;

import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.spiffeid.TrustDomain;

/** JwtBundleSource looks up the JWT bundle of a trust domain. Implementations are read-only. */
@FunctionalInterface
public interface JwtBundleSource {

    /**
     * Returns the JWT bundle of {@code td}.
     *
     * @throws BundleNotFoundException if no bundle is held for {@code td}
     */
    JwtBundle bundleFor(TrustDomain td);
}
