package dev.accord.broker.issuer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * SigningKey is one of the issuer's keys and its place in the rotation: {@code NEXT} keys are published but do
 * not sign, the {@code ACTIVE} key signs, {@code RETIRED} keys stay published until {@link #publishUntil()} (when
 * every token they signed has expired). {@link #toString()} never shows the private key.
 *
 * @param kid key ID ({@code <alg>-<random>})
 * @param algorithm {@code ES256} or {@code RS256}
 * @param state rotation state
 * @param publicKey the public half, published in the JWKS
 * @param privateKey the private half; held in memory only, stored sealed
 * @param createdAt creation time
 * @param activatedAt when it started signing, if it has
 * @param retiredAt when it stopped signing, if it has
 * @param publishUntil for retired keys: when it leaves the JWKS
 */
public record SigningKey(String kid, String algorithm, State state, PublicKey publicKey, PrivateKey privateKey,
                         Instant createdAt, Instant activatedAt, Instant retiredAt, Instant publishUntil) {

    /** The allow-listed signing algorithms. */
    public static final java.util.List<String> ALGORITHMS = java.util.List.of("ES256", "RS256");

    public enum State { NEXT, ACTIVE, RETIRED }

    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("unsupported signing algorithm " + algorithm);
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Generates a new {@code NEXT} key: P-256 for ES256, 3072-bit RSA for RS256. */
    public static SigningKey generate(String algorithm, Instant now) {
        try {
            KeyPair kp;
            if ("ES256".equals(algorithm)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                kp = g.generateKeyPair();
            } else if ("RS256".equals(algorithm)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(3072);
                kp = g.generateKeyPair();
            } else {
                throw new IllegalArgumentException("unsupported signing algorithm " + algorithm);
            }
            String kid = algorithm.toLowerCase() + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            return new SigningKey(kid, algorithm, State.NEXT, kp.getPublic(), kp.getPrivate(), now, null, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key generation failed", e);
        }
    }

    /** Rebuilds a key from its stored encodings (X.509 SubjectPublicKeyInfo and PKCS#8). */
    public static SigningKey restore(String kid, String algorithm, State state, byte[] spki, byte[] pkcs8,
                                     Instant createdAt, Instant activatedAt, Instant retiredAt, Instant publishUntil) {
        try {
            KeyFactory f = KeyFactory.getInstance("ES256".equals(algorithm) ? "EC" : "RSA");
            return new SigningKey(kid, algorithm, state, f.generatePublic(new X509EncodedKeySpec(spki)),
                    pkcs8 == null ? null : f.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
                    createdAt, activatedAt, retiredAt, publishUntil);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored key " + kid + " cannot be decoded");
        }
    }

    public JWSAlgorithm jwsAlgorithm() {
        return JWSAlgorithm.parse(algorithm);
    }

    /** The public JWK as published: {@code kid}, {@code alg}, {@code use=sig}. */
    public JWK publicJwk() {
        if (publicKey instanceof ECPublicKey ec) {
            return new ECKey.Builder(Curve.P_256, ec).keyID(kid).algorithm(jwsAlgorithm()).keyUse(KeyUse.SIGNATURE).build();
        }
        return new RSAKey.Builder((RSAPublicKey) publicKey).keyID(kid).algorithm(jwsAlgorithm())
                .keyUse(KeyUse.SIGNATURE).build();
    }

    public SigningKey activated(Instant now) {
        return new SigningKey(kid, algorithm, State.ACTIVE, publicKey, privateKey, createdAt, now, null, null);
    }

    public SigningKey retired(Instant now, Instant until) {
        return new SigningKey(kid, algorithm, State.RETIRED, publicKey, privateKey, createdAt, activatedAt, now, until);
    }

    public boolean publishedAt(Instant now) {
        return state != State.RETIRED || (publishUntil != null && now.isBefore(publishUntil));
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", alg=" + algorithm + ", state=" + state + ", privateKey=<redacted>]";
    }
}
