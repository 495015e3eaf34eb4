package dev.accord.spiffe.svid.jwt;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SvidException;
import dev.accord.spiffe.bundle.jwt.JwtBundleSource;
import dev.accord.spiffe.spiffeid.SpiffeId;

import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * JwtSvidVerifier verifies a JWT-SVID against the JWT bundle of its subject's trust domain (JWT-SVID.md).
 * Thread-safe; build once.
 *
 * <p>Accord's choices where the spec leaves room: {@code kid} is required (as in SPIRE, go-spiffe and
 * java-spiffe), tokens longer than a configured limit are rejected before any parsing, and times are compared
 * with a bounded clock skew. Rejection messages name the rule, the {@code kid} and the SPIFFE ID, never the token.
 */
public final class JwtSvidVerifier {

    /** The default limit on a token's length, in characters. */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;

    /** The largest skew a verifier accepts; a larger one would defeat the expiry check. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);

    /** JWT-SVID.md §2: any header not described there MUST NOT be included. */
    private static final Set<String> ALLOWED_HEADERS = Set.of("alg", "kid", "typ");

    /** JWT-SVID.md §2.3: if set, {@code typ} MUST be either JWT or JOSE. */
    private static final Set<String> ALLOWED_TYPES = Set.of("JWT", "JOSE");

    private final Clock clock;
    private final Duration clockSkew;
    private final int maxTokenLength;

    /**
     * Creates a verifier with the {@linkplain #DEFAULT_MAX_TOKEN_LENGTH default token length limit}.
     *
     * @throws IllegalArgumentException if the skew is negative or larger than {@link #MAX_CLOCK_SKEW}
     */
    public JwtSvidVerifier(Clock clock, Duration clockSkew) {
        this(clock, clockSkew, DEFAULT_MAX_TOKEN_LENGTH);
    }

    /**
     * Creates a verifier that rejects tokens longer than {@code maxTokenLength} characters before parsing them.
     *
     * @throws IllegalArgumentException if the skew is out of bounds or the limit is not positive
     */
    public JwtSvidVerifier(Clock clock, Duration clockSkew, int maxTokenLength) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW);
        }
        if (maxTokenLength <= 0) {
            throw new IllegalArgumentException("maxTokenLength must be positive");
        }
        this.maxTokenLength = maxTokenLength;
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
        Objects.requireNonNull(bundles, "bundles");
        Objects.requireNonNull(audience, "audience");
        String[] parts = split(token);
        JWSHeader header = checkHeader(parts[0]);
        if (parts[2].isEmpty()) {
            throw new SvidException(Reason.BAD_SIGNATURE, "token has no signature");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new SvidException(Reason.MALFORMED_TOKEN, "token claims are not a valid JWT claims set", e);
        }
        SpiffeId id = subject(claims);
        String kid = header.getKeyID();
        // Checklist JW03: the key is looked up by kid in the JWT bundle of the subject's own trust domain only.
        PublicKey key = bundles.bundleFor(id.trustDomain()).findAuthority(kid)
                .orElseThrow(() -> new SvidException(Reason.UNKNOWN_KID, "no JWT authority with key ID \"" + kid
                        + "\" in the bundle of trust domain \"" + id.trustDomain() + "\""));
        JwtSignatureCheck.verify(jwt, key, kid);
        List<String> aud = checkAudience(claims, audience);
        Instant expiry = checkTimes(claims);
        return new JwtSvid(id, aud, expiry, kid, claims.toJSONObject());
    }

    // JWT-SVID.md §5.1: JWS Compact Serialization only. Checking the alphabet first also rejects the JSON
    // serialisation and keeps Nimbus's lenient base64 decoder from accepting two spellings of one token.
    private String[] split(String token) {
        if (token == null || token.isEmpty()) {
            throw new SvidException(Reason.MALFORMED_TOKEN, "token is empty");
        }
        if (token.length() > maxTokenLength) {
            throw new SvidException(Reason.TOKEN_TOO_LARGE,
                    "token is " + token.length() + " characters; the limit is " + maxTokenLength);
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64UrlChar(c)) {
                throw new SvidException(Reason.MALFORMED_TOKEN,
                        "token is not in JWS compact serialisation (JWT-SVID §5.1)");
            }
        }
        if (dots == 4) {
            throw new SvidException(Reason.MALFORMED_TOKEN, "JWE tokens are not accepted; only JWS (JWT-SVID §2)");
        }
        String[] parts = token.split("\\.", -1);
        if (dots != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new SvidException(Reason.MALFORMED_TOKEN,
                    "token is not in JWS compact serialisation (JWT-SVID §5.1)");
        }
        for (String part : parts) {
            // RFC 7515 §2 base64url without padding, canonical: unused trailing bits must be zero, so that a
            // token has exactly one spelling (no malleable signature segment).
            if (!Base64URL.encode(new Base64URL(part).decode()).toString().equals(part)) {
                throw new SvidException(Reason.MALFORMED_TOKEN, "token segment is not canonical base64url");
            }
        }
        return parts;
    }

    private static boolean isBase64UrlChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static JWSHeader checkHeader(String encoded) {
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new Base64URL(encoded).decodeToString());
        } catch (ParseException | RuntimeException e) {
            throw new SvidException(Reason.MALFORMED_TOKEN, "token header is not a JSON object", e);
        }
        // JWT-SVID.md §4: validators MUST ensure alg is a supported value before processing. This also
        // rejects unsecured tokens ("none", §2.1) and JWE algorithms (§2: only JWS is supported).
        if (!(json.get("alg") instanceof String alg)) {
            throw new SvidException(Reason.MALFORMED_TOKEN, "token header has no alg");
        }
        if (!JwtSignatureCheck.ALLOWED_NAMES.contains(alg)) {
            throw new SvidException(Reason.UNSUPPORTED_ALGORITHM,
                    "algorithm \"" + abbreviate(alg) + "\" is not allowed (JWT-SVID §2.1)");
        }
        // JWT-SVID.md §2: any header not described there MUST NOT be included. Checked on the raw JSON, so that
        // a forbidden member is named even when its value would not parse.
        for (String name : json.keySet()) {
            if (!ALLOWED_HEADERS.contains(name)) {
                throw new SvidException(Reason.FORBIDDEN_HEADER,
                        "header \"" + abbreviate(name) + "\" is not allowed (JWT-SVID §2)");
            }
        }
        JWSHeader h;
        try {
            h = JWSHeader.parse(json, new Base64URL(encoded));
        } catch (ParseException | RuntimeException e) {
            throw new SvidException(Reason.MALFORMED_TOKEN, "token header is not a valid JWS header", e);
        }
        if (h.getType() != null && !ALLOWED_TYPES.contains(h.getType().getType())) {
            throw new SvidException(Reason.INVALID_TYP, "header typ must be JWT or JOSE (JWT-SVID §2.3)");
        }
        if (h.getKeyID() == null || h.getKeyID().isEmpty()) {
            // JWT-SVID.md §2.2 makes kid optional; Accord, like SPIRE and go-spiffe, requires it to pick the key.
            throw new SvidException(Reason.MISSING_KID, "token header has no kid");
        }
        return h;
    }

    private static SpiffeId subject(JWTClaimsSet claims) {
        String sub = claims.getSubject();
        // JWT-SVID.md §3.1: sub MUST be set to the SPIFFE ID of the workload.
        if (sub == null || sub.isEmpty()) {
            throw new SvidException(Reason.MISSING_SUBJECT, "token has no sub claim (JWT-SVID §3.1)");
        }
        try {
            return SpiffeId.parse(sub);
        } catch (InvalidSpiffeIdException e) {
            throw new SvidException(Reason.INVALID_SUBJECT,
                    "token sub is not a valid SPIFFE ID (JWT-SVID §3.1): " + e.getMessage(), e);
        }
    }

    private static List<String> checkAudience(JWTClaimsSet claims, String audience) {
        List<String> aud = claims.getAudience();
        // JWT-SVID.md §3.2: reject tokens without aud, or whose aud lacks the validator's own value.
        if (aud == null || aud.isEmpty()) {
            throw new SvidException(Reason.MISSING_AUDIENCE, "token has no aud claim (JWT-SVID §3.2)");
        }
        if (!aud.contains(audience)) {
            throw new SvidException(Reason.AUDIENCE_MISMATCH,
                    "token aud does not contain \"" + abbreviate(audience) + "\" (JWT-SVID §3.2)");
        }
        return aud;
    }

    private Instant checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        // JWT-SVID.md §3.3 and RFC 7519 §4.1.4: exp MUST be set; the current time MUST be before it.
        if (exp == null) {
            throw new SvidException(Reason.MISSING_EXPIRY, "token has no exp claim (JWT-SVID §3.3)");
        }
        Instant expiry = exp.toInstant();
        if (!now.minus(clockSkew).isBefore(expiry)) {
            throw new SvidException(Reason.EXPIRED, "token has expired (JWT-SVID §3.3)");
        }
        // RFC 7519 §4.1.5: not accepted before nbf; an iat in the future means a bad issuer clock.
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            throw new SvidException(Reason.NOT_YET_VALID, "token is not valid yet (nbf)");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.plus(clockSkew).isBefore(iat.toInstant())) {
            throw new SvidException(Reason.ISSUED_IN_FUTURE, "token was issued in the future (iat)");
        }
        return expiry;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
