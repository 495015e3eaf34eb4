package dev.accord.spiffe.svid.jwt;

import dev.accord.spiffe.bundle.jwt.JwtBundleSource;

import java.time.Clock;
import java.time.Duration;

/**
 * JwtSvidVerifier verifies a JWT-SVID against the JWT bundle of its subject's trust domain (JWT-SVID.md).
 * Thread-safe; build once.
 */
public final class JwtSvidVerifier {

    private final Clock clock;
    private final Duration clockSkew;

    public JwtSvidVerifier(Clock clock, Duration clockSkew) {
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** A verifier on the system clock with a 30-second skew allowance. */
    public static JwtSvidVerifier create() {
        return new JwtSvidVerifier(Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /**
     * Verifies {@code token} for the validator's {@code audience} and returns the SVID.
     *
     * @throws dev.accord.spiffe.SvidException naming the rule the token breaks
     * @throws dev.accord.spiffe.BundleNotFoundException if no bundle is held for the subject's trust domain
     */
    public JwtSvid verify(String token, JwtBundleSource bundles, String audience) {
        throw new UnsupportedOperationException("JwtSvidVerifier.verify: not implemented yet");
    }
}
