package dev.accord.spiffe.bundle.spiffe;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.jwt.JwtBundle;
import dev.accord.spiffe.bundle.jwt.JwtBundleSource;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.internal.JwkKeys;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * SpiffeBundle is a trust domain's full bundle: X.509 and JWT authorities plus the optional
 * {@code spiffe_sequence} and {@code spiffe_refresh_hint}. See SPIFFE_Trust_Domain_and_Bundle.md §4.
 * Two bundles are equal when they hold the same authorities (in any order), sequence and hint.
 *
 * @param trustDomain the trust domain the bundle belongs to (FED §4.2: it travels with the bundle)
 * @param x509Authorities CA certificates ({@code use = x509-svid}), without duplicates
 * @param jwtAuthorities public keys by {@code kid} ({@code use = jwt-svid})
 * @param sequence {@code spiffe_sequence}, if present
 * @param refreshHint {@code spiffe_refresh_hint}, if present
 */
public record SpiffeBundle(TrustDomain trustDomain, List<X509Certificate> x509Authorities,
                           Map<String, PublicKey> jwtAuthorities, OptionalLong sequence,
                           Optional<Duration> refreshHint) implements X509BundleSource {

    /**
     * Validates the bundle with the same rules {@link #parse} applies, so every bundle marshals and parses back.
     *
     * @throws BundleException naming the broken rule
     */
    public SpiffeBundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(refreshHint, "refreshHint");
        List<X509Certificate> cas = new ArrayList<>();
        for (X509Certificate ca : x509Authorities) {
            Objects.requireNonNull(ca, "x509 authority");
            if (ca.getBasicConstraints() < 0) {
                throw new BundleException(Reason.NOT_A_CA, "x509-svid authority is not a CA certificate");
            }
            requireSupported(ca.getPublicKey(), "x509-svid authority");
            if (!cas.contains(ca)) {
                cas.add(ca);
            }
        }
        x509Authorities = List.copyOf(cas);
        jwtAuthorities.forEach((kid, key) -> {
            if (kid == null || kid.isEmpty()) {
                throw new BundleException(Reason.MISSING_KID, "jwt-svid authority has no kid (JWT-SVID.md §6)");
            }
            requireSupported(Objects.requireNonNull(key, "jwt authority"), "jwt-svid authority");
        });
        jwtAuthorities = Map.copyOf(jwtAuthorities);
        if (sequence.isPresent() && sequence.getAsLong() < 0) {
            throw new BundleException(Reason.INVALID_SEQUENCE, "spiffe_sequence must not be negative (TB §4.1.1)");
        }
        if (refreshHint.isPresent() && (refreshHint.get().toSeconds() <= 0)) {
            throw new BundleException(Reason.INVALID_REFRESH_HINT,
                    "spiffe_refresh_hint must be a positive number of seconds (TB §4.1.2)");
        }
    }

    /** Returns a bundle without sequence or refresh hint. */
    public static SpiffeBundle of(TrustDomain td, List<X509Certificate> x509Authorities,
                                  Map<String, PublicKey> jwtAuthorities) {
        return new SpiffeBundle(td, x509Authorities, jwtAuthorities, OptionalLong.empty(), Optional.empty());
    }

    /**
     * Parses a bundle document (a JWK Set, SPIFFE_Trust_Domain_and_Bundle.md §4) for {@code trustDomain}.
     * Keys of unknown type or use are ignored as TB §4.2 requires; everything else malformed is refused.
     *
     * @throws BundleException naming the rule the document breaks
     */
    public static SpiffeBundle parse(TrustDomain trustDomain, byte[] jwks) {
        Objects.requireNonNull(trustDomain, "trustDomain");
        return SpiffeBundleCodec.decode(trustDomain, jwks);
    }

    /** Serialises this bundle as a SPIFFE bundle JWK Set (compact JSON, UTF-8); JWT keys are sorted by kid. */
    public byte[] marshal() {
        return SpiffeBundleCodec.encode(this);
    }

    /** Returns the hex SHA-256 of {@link #marshal()}: equal bundles have equal digests. */
    public String digest() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical().marshal()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the X.509 part of this bundle. */
    public X509Bundle x509Bundle() {
        return new X509Bundle(trustDomain, x509Authorities);
    }

    /** Returns the JWT part of this bundle. */
    public JwtBundle jwtBundle() {
        return new JwtBundle(trustDomain, jwtAuthorities);
    }

    /** Reports whether the bundle holds no authority at all (every SVID of the domain is then invalid, TB §4.1.3). */
    public boolean isEmpty() {
        return x509Authorities.isEmpty() && jwtAuthorities.isEmpty();
    }

    public SpiffeBundle withSequence(long seq) {
        return new SpiffeBundle(trustDomain, x509Authorities, jwtAuthorities, OptionalLong.of(seq), refreshHint);
    }

    public SpiffeBundle withRefreshHint(Duration hint) {
        return new SpiffeBundle(trustDomain, x509Authorities, jwtAuthorities, sequence, Optional.of(hint));
    }

    public SpiffeBundle withX509Authorities(List<X509Certificate> cas) {
        return new SpiffeBundle(trustDomain, cas, jwtAuthorities, sequence, refreshHint);
    }

    public SpiffeBundle withJwtAuthorities(Map<String, PublicKey> keys) {
        return new SpiffeBundle(trustDomain, x509Authorities, keys, sequence, refreshHint);
    }

    /** Returns {@link #x509Bundle()} if {@code td} is this bundle's domain. */
    @Override
    public X509Bundle bundleFor(TrustDomain td) {
        requireDomain(td);
        return x509Bundle();
    }

    /** Returns {@link #jwtBundle()} if {@code td} is this bundle's domain. */
    public JwtBundle jwtBundleFor(TrustDomain td) {
        requireDomain(td);
        return jwtBundle();
    }

    /** Views this bundle as a {@link JwtBundleSource}. */
    public JwtBundleSource asJwtSource() {
        return this::jwtBundleFor;
    }

    private void requireDomain(TrustDomain td) {
        if (!trustDomain.equals(td)) {
            throw new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND, "no bundle for trust domain \"" + td + "\"");
        }
    }

    private SpiffeBundle canonical() {
        List<X509Certificate> sorted = new ArrayList<>(x509Authorities);
        sorted.sort((a, b) -> HexFormat.of().formatHex(encoded(a)).compareTo(HexFormat.of().formatHex(encoded(b))));
        return withX509Authorities(sorted);
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireSupported(PublicKey key, String what) {
        try {
            JwkKeys.toJwk(key);
        } catch (IllegalArgumentException e) {
            throw new BundleException(Reason.UNSUPPORTED_KEY_TYPE, what + ": " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpiffeBundle b)) {
            return false;
        }
        if (!trustDomain.equals(b.trustDomain) || !sequence.equals(b.sequence) || !refreshHint.equals(b.refreshHint)
                || !Set.copyOf(x509Authorities).equals(Set.copyOf(b.x509Authorities))
                || !jwtAuthorities.keySet().equals(b.jwtAuthorities.keySet())) {
            return false;
        }
        return jwtAuthorities.entrySet().stream()
                .allMatch(e -> JwkKeys.sameKey(e.getValue(), b.jwtAuthorities.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int keys = jwtAuthorities.entrySet().stream()
                .mapToInt(e -> e.getKey().hashCode() ^ JwkKeys.keyHash(e.getValue())).sum();
        return Objects.hash(trustDomain, sequence, refreshHint, Set.copyOf(x509Authorities), keys);
    }

    @Override
    public String toString() {
        return "SpiffeBundle[trustDomain=" + trustDomain + ", x509Authorities=" + x509Authorities.size()
                + ", jwtKids=" + jwtAuthorities.keySet().stream().sorted().collect(Collectors.toList())
                + ", sequence=" + sequence + ", refreshHint=" + refreshHint + "]";
    }
}
