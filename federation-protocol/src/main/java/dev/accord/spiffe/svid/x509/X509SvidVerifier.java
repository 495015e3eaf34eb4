package dev.accord.spiffe.svid.x509;

import dev.accord.spiffe.bundle.x509.X509BundleSource;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * X509SvidVerifier verifies an X509-SVID chain against the X.509 bundle of the leaf's own trust domain
 * (X509-SVID.md §4-§5). Thread-safe; build once.
 */
public final class X509SvidVerifier {

    private final Clock clock;
    private final Duration clockSkew;

    public X509SvidVerifier(Clock clock, Duration clockSkew) {
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** A verifier on the system clock with a 30-second skew allowance. */
    public static X509SvidVerifier create() {
        return new X509SvidVerifier(Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /**
     * Verifies {@code chain} (leaf first, then intermediates) and returns the SVID.
     *
     * @throws dev.accord.spiffe.SvidException naming the rule the chain breaks
     * @throws dev.accord.spiffe.BundleNotFoundException if no bundle is held for the leaf's trust domain
     */
    public X509Svid verify(List<X509Certificate> chain, X509BundleSource bundles) {
        throw new UnsupportedOperationException("X509SvidVerifier.verify: not implemented yet");
    }
}
