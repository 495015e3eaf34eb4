package dev.accord.broker.exchange;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Set;

/**
 * DpopVerifier checks a DPoP proof (RFC 9449 §4.3) for one request and returns the proof key's thumbprint,
 * which the issued token then carries as {@code cnf.jkt} (§6.1). Replays are detected through a
 * {@link ReplayGuard} shared by every replica. Thread-safe.
 */
public final class DpopVerifier {

    /** RFC 9449 §4.2: asymmetric algorithms only; {@code none} and MAC algorithms are never accepted. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384,
            JWSAlgorithm.PS512);
    static final JOSEObjectType DPOP_TYP = new JOSEObjectType("dpop+jwt");
    private static final int MAX_PROOF_CHARS = 8192;

    private final Clock clock;
    private final Duration window;
    private final ReplayGuard replay;

    /**
     * @param window how far {@code iat} may lie in the past or future (RFC 9449 §11.1 leaves it to the server)
     */
    public DpopVerifier(Clock clock, Duration window, ReplayGuard replay) {
        this.clock = clock;
        this.window = window;
        this.replay = replay;
    }

    /**
     * Verifies {@code proof} for a request with {@code method} to {@code uri}.
     *
     * @throws DpopException naming the check that failed
     */
    public DpopProof verify(String proof, String method, URI uri) {
        if (proof == null || proof.isBlank()) {
            throw new DpopException("DPoP proof is missing");
        }
        if (proof.length() > MAX_PROOF_CHARS) {
            throw new DpopException("DPoP proof is larger than " + MAX_PROOF_CHARS + " characters");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(proof);
            claims = jwt.getJWTClaimsSet();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new DpopException("DPoP proof is not a compact JWS (RFC 9449 §4.2)");
        }
        if (!DPOP_TYP.equals(jwt.getHeader().getType())) {
            throw new DpopException("DPoP proof typ must be dpop+jwt (RFC 9449 §4.2)");
        }
        if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            throw new DpopException("DPoP proof alg " + jwt.getHeader().getAlgorithm() + " is not allowed");
        }
        JWK jwk = jwt.getHeader().getJWK();
        if (jwk == null) {
            throw new DpopException("DPoP proof has no jwk header (RFC 9449 §4.2)");
        }
        if (jwk.isPrivate()) {
            throw new DpopException("DPoP proof jwk must not contain a private key (RFC 9449 §4.3)");
        }
        try {
            if (!jwt.verify(verifier(jwk, jwt.getHeader().getAlgorithm()))) {
                throw new DpopException("DPoP proof signature does not verify with its jwk");
            }
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new DpopException("DPoP proof key does not fit its alg");
        }
        String htm = stringClaim(claims, "htm");
        String htu = stringClaim(claims, "htu");
        String jti = stringClaim(claims, "jti");
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw new DpopException("DPoP proof has no iat (RFC 9449 §4.2)");
        }
        if (!htm.equals(method)) {
            throw new DpopException("DPoP proof htm " + htm + " does not match the request method " + method);
        }
        if (!normalise(htu).equals(normalise(uri.toString()))) {
            throw new DpopException("DPoP proof htu does not match the request URI (RFC 9449 §4.3 item 9)");
        }
        Instant now = clock.instant();
        Instant issued = iat.toInstant();
        if (issued.isBefore(now.minus(window)) || issued.isAfter(now.plus(window))) {
            throw new DpopException("DPoP proof iat is outside the accepted window of " + window.toSeconds() + " s");
        }
        String jkt;
        try {
            jkt = jwk.computeThumbprint().toString();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new DpopException("DPoP proof jwk thumbprint cannot be computed");
        }
        // RFC 9449 §11.1: the jti must not have been seen within the window; keep it a little longer than that.
        if (!replay.firstUse(jkt + ":" + jti, issued.plus(window).plus(window))) {
            throw new DpopException("DPoP proof jti has been used before (replay)");
        }
        return new DpopProof(jkt, jti, issued);
    }

    private static JWSVerifier verifier(JWK jwk, JWSAlgorithm alg) throws com.nimbusds.jose.JOSEException {
        if (jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
            return new ECDSAVerifier(ec);
        }
        if (jwk instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(alg)) {
            return new RSASSAVerifier(rsa);
        }
        throw new DpopException("DPoP proof jwk type does not match alg " + alg);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new DpopException("DPoP proof has no " + name + " claim (RFC 9449 §4.2)");
        }
        return s;
    }

    /** RFC 9449 §4.3 item 9: compare without query and fragment, after RFC 3986 §6.2.2-6.2.3 normalisation. */
    static String normalise(String uri) {
        try {
            URI u = new URI(uri).normalize();
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            int port = u.getPort();
            if (("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80)) {
                port = -1;
            }
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            return scheme + "://" + host + (port == -1 ? "" : ":" + port) + path;
        } catch (java.net.URISyntaxException e) {
            throw new DpopException("DPoP proof htu is not a URI");
        }
    }

    /**
     * A verified proof.
     *
     * @param jkt the JWK SHA-256 thumbprint (RFC 7638), base64url
     */
    public record DpopProof(String jkt, String jti, Instant issuedAt) {
    }

    /** Remembers proof IDs so a replay is refused; implementations must be atomic across replicas. */
    @FunctionalInterface
    public interface ReplayGuard {
        /** Records {@code id} until {@code expiresAt}; returns false if it was already recorded. */
        boolean firstUse(String id, Instant expiresAt);
    }

    /** A rejected proof; the message names the failed check and never contains the proof. */
    public static final class DpopException extends RuntimeException {
        public DpopException(String message) {
            super(message);
        }
    }
}
