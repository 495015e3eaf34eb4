package dev.accord.spiffe.bundle.spiffe;

import dev.accord.spiffe.bundle.jwt.JwtBundle;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * SpiffeBundle is a trust domain's full bundle: X.509 and JWT authorities plus the optional
 * {@code spiffe_sequence} and {@code spiffe_refresh_hint}. See SPIFFE_Trust_Domain_and_Bundle.md §4.
 *
 * @param trustDomain the trust domain the bundle belongs to (FED §4.2: it travels with the bundle)
 * @param x509Authorities CA certificates ({@code use = x509-svid})
 * @param jwtAuthorities public keys by {@code kid} ({@code use = jwt-svid})
 * @param sequence {@code spiffe_sequence}, if present
 * @param refreshHint {@code spiffe_refresh_hint}, if present
 */
public record SpiffeBundle(TrustDomain trustDomain, List<X509Certificate> x509Authorities,
                           Map<String, PublicKey> jwtAuthorities, OptionalLong sequence,
                           Optional<Duration> refreshHint) {

    public SpiffeBundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        x509Authorities = List.copyOf(x509Authorities);
        jwtAuthorities = Map.copyOf(jwtAuthorities);
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(refreshHint, "refreshHint");
    }

    /** Returns the X.509 part of this bundle. */
    public X509Bundle x509Bundle() {
        return new X509Bundle(trustDomain, x509Authorities);
    }

    /** Returns the JWT part of this bundle. */
    public JwtBundle jwtBundle() {
        return new JwtBundle(trustDomain, jwtAuthorities);
    }

    /**
     * Parses a bundle document (a JWK Set, SPIFFE_Trust_Domain_and_Bundle.md §4) for {@code trustDomain}.
     *
     * @throws dev.accord.spiffe.BundleException naming the rule the document breaks
     */
    public static SpiffeBundle parse(TrustDomain trustDomain, byte[] jwks) {
        throw new UnsupportedOperationException("SpiffeBundle.parse: not implemented yet");
    }

    /** Serialises this bundle as a SPIFFE bundle JWK Set (JSON, UTF-8). */
    public byte[] marshal() {
        throw new UnsupportedOperationException("SpiffeBundle.marshal: not implemented yet");
    }
}
