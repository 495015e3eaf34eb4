package dev.accord.broker.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.accord.spiffe.spiffeid.SpiffeId;

import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * TokenIssuer signs the broker's tokens for clouds: {@code iss} = the broker's issuer URL, {@code sub} = the
 * SPIFFE ID, {@code aud} = the cloud audience, lifetime at most {@link #MAX_LIFETIME} and never beyond the
 * JWT-SVID it was exchanged for. Thread-safe.
 */
public final class TokenIssuer {

    /** Upper bound of every issued token's lifetime. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(15);

    private final String issuer;
    private final Supplier<KeyRing> ring;
    private final Clock clock;

    public TokenIssuer(String issuer, Supplier<KeyRing> ring, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.ring = Objects.requireNonNull(ring, "ring");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String issuer() {
        return issuer;
    }

    /**
     * Issues a token.
     *
     * @param algorithm ES256 or RS256 (Entra ID accepts RS256 only)
     * @param extraClaims additional claims such as {@code cnf}; cannot override the registered ones
     * @throws IllegalStateException if no active key exists for {@code algorithm} or the SVID has expired
     */
    public IssuedToken issue(String algorithm, SpiffeId subject, String audience, Instant svidExpiry,
                             Duration requested, Map<String, Object> extraClaims) {
        SigningKey key = ring.get().active(algorithm)
                .orElseThrow(() -> new IllegalStateException("no active " + algorithm + " signing key"));
        Instant now = clock.instant();
        Duration lifetime = requested == null || requested.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : requested;
        Instant exp = now.plus(lifetime);
        if (svidExpiry != null && svidExpiry.isBefore(exp)) {
            exp = svidExpiry;
        }
        if (!exp.isAfter(now)) {
            throw new IllegalStateException("the subject token has already expired");
        }
        // Whole seconds: JWT NumericDate (RFC 7519 §2) is seconds, so round exp down, never past the SVID.
        exp = Instant.ofEpochSecond(exp.getEpochSecond());
        Instant iat = Instant.ofEpochSecond(now.getEpochSecond());
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        extraClaims.forEach(claims::claim);
        claims.issuer(issuer).subject(subject.toString()).audience(audience).issueTime(Date.from(iat))
                .notBeforeTime(Date.from(iat)).expirationTime(Date.from(exp)).jwtID(jti)
                .claim("spiffe_trust_domain", subject.trustDomain().name());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.jwsAlgorithm()).keyID(key.kid())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed with key " + key.kid(), e);
        }
        return new IssuedToken(jwt.serialize(), key.kid(), jti, iat, exp);
    }

    private static JWSSigner signer(SigningKey key) throws JOSEException {
        if (key.privateKey() instanceof ECPrivateKey ec) {
            return new ECDSASigner(ec);
        }
        return new RSASSASigner(key.privateKey());
    }

    /**
     * A signed token and its facts, for the response and the audit record.
     *
     * @param token the compact JWS; never logged
     */
    public record IssuedToken(String token, String kid, String jti, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "IssuedToken[kid=" + kid + ", jti=" + jti + ", exp=" + expiresAt + "]";
        }
    }
}
