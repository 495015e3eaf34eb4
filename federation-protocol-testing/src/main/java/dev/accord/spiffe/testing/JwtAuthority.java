package dev.accord.spiffe.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * JwtAuthority signs JWT-SVIDs for tests with one key and key ID. Use {@link #sign(String, List, Duration)} for
 * a conforming token, or the lower-level overload to craft broken headers or claims.
 *
 * @param kid the key ID published in the bundle and placed in the header
 * @param keyPair the signing key pair
 * @param algorithm the JWS algorithm
 */
public record JwtAuthority(String kid, KeyPair keyPair, JWSAlgorithm algorithm) {

    /** An ES256 authority with a fresh P-256 key. */
    public static JwtAuthority es256(String kid) {
        return new JwtAuthority(kid, TestCa.Keys.ec("secp256r1"), JWSAlgorithm.ES256);
    }

    /** An RS256 authority with a fresh 2048-bit key. */
    public static JwtAuthority rs256(String kid) {
        return new JwtAuthority(kid, TestCa.Keys.rsa(2048), JWSAlgorithm.RS256);
    }

    /** An authority for any RS, PS or ES algorithm, with a fresh key of the matching type and curve. */
    public static JwtAuthority of(String kid, JWSAlgorithm algorithm) {
        KeyPair kp;
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            kp = TestCa.Keys.ec("secp256r1");
        } else if (JWSAlgorithm.ES384.equals(algorithm)) {
            kp = TestCa.Keys.ec("secp384r1");
        } else if (JWSAlgorithm.ES512.equals(algorithm)) {
            kp = TestCa.Keys.ec("secp521r1");
        } else if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
            kp = TestCa.Keys.rsa(2048);
        } else {
            throw new IllegalArgumentException("unsupported test algorithm " + algorithm);
        }
        return new JwtAuthority(kid, kp, algorithm);
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /** Signs a conforming JWT-SVID: typ JWT, kid, sub, aud, exp = now + ttl, iat = now. */
    public String sign(String subject, List<String> audience, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl))).build();
        return sign(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
    }

    /** Signs a token built from the default header, modified by {@code header}, and the given claims. */
    public String sign(UnaryOperator<JWSHeader.Builder> header, JWTClaimsSet claims) {
        return sign(header.apply(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT)).build(), claims);
    }

    /**
     * Signs arbitrary header and payload JSON (which Nimbus's builders would refuse or normalise) with this
     * authority's algorithm and key, and returns the compact serialisation.
     */
    public String signRaw(String headerJson, String payloadJson) {
        String input = Base64URL.encode(headerJson) + "." + Base64URL.encode(payloadJson);
        try {
            JWSSigner signer = keyPair.getPrivate() instanceof ECPrivateKey ec
                    ? new ECDSASigner(ec) : new RSASSASigner(keyPair.getPrivate());
            return input + "." + signer.sign(new JWSHeader(algorithm), input.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException("test token signing failed", e);
        }
    }

    /** Signs the given header and claims with this authority's key. */
    public String sign(JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            if (keyPair.getPrivate() instanceof ECPrivateKey ec) {
                jwt.sign(new ECDSASigner(ec));
            } else {
                jwt.sign(new RSASSASigner(keyPair.getPrivate()));
            }
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException("test token signing failed", e);
        }
    }
}
