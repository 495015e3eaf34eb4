package dev.accord.spiffe.bundle.spiffe;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.internal.Json;
import dev.accord.spiffe.internal.JwkKeys;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * SpiffeBundleCodec reads and writes the SPIFFE bundle format: a JWK Set with {@code spiffe_sequence} and
 * {@code spiffe_refresh_hint} (SPIFFE_Trust_Domain_and_Bundle.md §4), whose keys carry {@code use}
 * {@code x509-svid} (X509-SVID.md §6) or {@code jwt-svid} (JWT-SVID.md §6).
 */
final class SpiffeBundleCodec {

    static final String USE_X509 = "x509-svid";
    static final String USE_JWT = "jwt-svid";

    private SpiffeBundleCodec() {
    }

    static SpiffeBundle decode(TrustDomain td, byte[] document) {
        if (document == null) {
            throw new BundleException(Reason.MALFORMED_BUNDLE, "bundle document is missing");
        }
        Map<?, ?> set = parseObject(document);
        // TB §4.1.3: "The parameter keys MUST be present. Its value is an array of JWKs."
        if (!set.containsKey("keys")) {
            throw new BundleException(Reason.MALFORMED_BUNDLE, "bundle has no \"keys\" member (TB §4.1.3)");
        }
        if (!(set.get("keys") instanceof List<?> keys)) {
            throw new BundleException(Reason.MALFORMED_BUNDLE, "bundle \"keys\" must be an array (TB §4.1.3)");
        }
        OptionalLong sequence = sequence(set.get("spiffe_sequence"), set.containsKey("spiffe_sequence"));
        Optional<Duration> hint = refreshHint(set.get("spiffe_refresh_hint"), set.containsKey("spiffe_refresh_hint"));
        List<X509Certificate> x509 = new ArrayList<>();
        Map<String, PublicKey> jwt = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String where = "keys[" + i + "]";
            if (!(keys.get(i) instanceof Map<?, ?> raw)) {
                throw new BundleException(Reason.MALFORMED_BUNDLE, where + " is not a JSON object (RFC 7517 §5)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> jwk = (Map<String, Object>) raw;
            for (String member : JwkKeys.PRIVATE_MEMBERS) {
                if (jwk.containsKey(member)) {
                    throw new BundleException(Reason.PRIVATE_KEY_MATERIAL,
                            where + " carries private key member \"" + member + "\"; a bundle holds public keys only");
                }
            }
            Object use = jwk.get("use");
            // TB §4.2.1-4.2.2: unknown kty or use (case-sensitive) → ignore the element, not the bundle.
            if (!JwkKeys.supportedKeyType(jwk.get("kty")) || !(USE_X509.equals(use) || USE_JWT.equals(use))) {
                continue;
            }
            if (USE_X509.equals(use)) {
                X509Certificate ca = x509Authority(jwk, where);
                if (ca != null && x509.stream().noneMatch(c -> c.equals(ca))) {
                    x509.add(ca);
                }
            } else {
                jwtAuthority(jwk, where, jwt);
            }
        }
        return new SpiffeBundle(td, x509, jwt, sequence, hint);
    }

    private static Map<?, ?> parseObject(byte[] document) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(document)).toString();
        } catch (CharacterCodingException e) {
            throw new BundleException(Reason.MALFORMED_BUNDLE, "bundle is not UTF-8 text");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.JsonException e) {
            throw new BundleException(Reason.MALFORMED_BUNDLE, "bundle is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> set)) {
            throw new BundleException(Reason.MALFORMED_BUNDLE, "bundle must be a JSON object (a JWK Set, TB §4)");
        }
        return set;
    }

    // TB §4.1.1: "When present, its value MUST be a monotonically increasing integer". Negative values
    // cannot increase from the zero a fresh domain starts at, so only 0..2^63-1 is accepted.
    private static OptionalLong sequence(Object v, boolean present) {
        if (!present) {
            return OptionalLong.empty();
        }
        if (!(v instanceof BigInteger n) || n.signum() < 0 || n.bitLength() > 63) {
            throw new BundleException(Reason.INVALID_SEQUENCE,
                    "spiffe_sequence must be a non-negative integer below 2^63 (TB §4.1.1)");
        }
        return OptionalLong.of(n.longValueExact());
    }

    // TB §4.1.2: "its value MUST be an integer representing the suggested consumer refresh interval in seconds".
    private static Optional<Duration> refreshHint(Object v, boolean present) {
        if (!present) {
            return Optional.empty();
        }
        if (!(v instanceof BigInteger n) || n.signum() <= 0 || n.bitLength() > 40) {
            throw new BundleException(Reason.INVALID_REFRESH_HINT,
                    "spiffe_refresh_hint must be a positive integer number of seconds (TB §4.1.2)");
        }
        return Optional.of(Duration.ofSeconds(n.longValueExact()));
    }

    // X509-SVID.md §6.2 (consumers): an entry without x5c is unusable and ignored; only the first
    // certificate counts. §6.1 requires that certificate to be the CA whose key the JWK describes.
    private static X509Certificate x509Authority(Map<String, Object> jwk, String where) {
        if (!(jwk.get("x5c") instanceof List<?> x5c) || x5c.isEmpty()) {
            return null;
        }
        if (!(x5c.getFirst() instanceof String b64)) {
            throw new BundleException(Reason.INVALID_KEY, where + ".x5c[0] must be a base64 string (RFC 7517 §4.7)");
        }
        X509Certificate cert = certificate(b64, where);
        if (cert.getBasicConstraints() < 0) {
            throw new BundleException(Reason.NOT_A_CA,
                    where + ": x509-svid authority is not a CA certificate (X509-SVID.md §6.1)");
        }
        PublicKey declared = JwkKeys.publicKey(jwk, where);
        if (!JwkKeys.sameKey(declared, cert.getPublicKey())) {
            throw new BundleException(Reason.KEY_MISMATCH,
                    where + ": JWK key parameters do not match the x5c certificate's public key");
        }
        return cert;
    }

    private static X509Certificate certificate(String b64, String where) {
        byte[] der;
        try {
            // RFC 7517 §4.7: x5c values are base64 (not base64url) DER.
            der = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new BundleException(Reason.INVALID_KEY, where + ".x5c[0] is not valid base64 (RFC 7517 §4.7)");
        }
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            if (cert == null || !java.util.Arrays.equals(cert.getEncoded(), der)) {
                throw new CertificateException("trailing or non-DER data");
            }
            return cert;
        } catch (CertificateException | RuntimeException e) {
            throw new BundleException(Reason.MALFORMED_CERTIFICATE, where + ".x5c[0] is not a DER X.509 certificate");
        }
    }

    // JWT-SVID.md §6: jwt-svid keys MUST carry a kid, unique within the bundle.
    private static void jwtAuthority(Map<String, Object> jwk, String where, Map<String, PublicKey> out) {
        if (!(jwk.get("kid") instanceof String kid) || kid.isEmpty()) {
            throw new BundleException(Reason.MISSING_KID, where + ": jwt-svid key has no kid (JWT-SVID.md §6)");
        }
        if (out.containsKey(kid)) {
            throw new BundleException(Reason.DUPLICATE_KID,
                    where + ": kid \"" + shortKid(kid) + "\" appears twice (JWT-SVID.md §6)");
        }
        out.put(kid, JwkKeys.publicKey(jwk, where));
    }

    static String shortKid(String kid) {
        return kid.length() > 64 ? kid.substring(0, 64) + "…" : kid;
    }

    static byte[] encode(SpiffeBundle bundle) {
        List<Object> keys = new ArrayList<>();
        for (X509Certificate ca : bundle.x509Authorities()) {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("use", USE_X509);
            jwk.putAll(JwkKeys.toJwk(ca.getPublicKey()));
            try {
                jwk.put("x5c", List.of(Base64.getEncoder().encodeToString(ca.getEncoded())));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException("authority certificate cannot be encoded", e);
            }
            keys.add(jwk);
        }
        // Sorted by kid so equal bundles marshal to equal bytes (stable ETags and digests).
        new TreeMap<>(bundle.jwtAuthorities()).forEach((kid, key) -> {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("use", USE_JWT);
            jwk.put("kid", kid);
            jwk.putAll(JwkKeys.toJwk(key));
            keys.add(jwk);
        });
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("keys", keys);
        bundle.sequence().ifPresent(s -> set.put("spiffe_sequence", s));
        bundle.refreshHint().ifPresent(h -> set.put("spiffe_refresh_hint", h.toSeconds()));
        return Json.write(set).getBytes(StandardCharsets.UTF_8);
    }
}
