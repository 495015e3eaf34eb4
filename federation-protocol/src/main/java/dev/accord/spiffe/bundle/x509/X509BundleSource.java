package dev.accord.spiffe.bundle.x509;

import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.spiffeid.TrustDomain;

/** X509BundleSource looks up the X.509 bundle of a trust domain. Implementations are read-only. */
@FunctionalInterface
public interface X509BundleSource {

    /**
     * Returns the X.509 bundle of {@code td}.
     *
     * @throws BundleNotFoundException if no bundle is held for {@code td}
     */
    X509Bundle bundleFor(TrustDomain td);
}
