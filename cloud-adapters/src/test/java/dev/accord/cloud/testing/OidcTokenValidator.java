package dev.accord.cloud.testing;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validates a web identity token the way the clouds document it: the issuer must be a configured provider; discovery
 * and JWKS are fetched over HTTPS from the issuer (JWKS cached, re-fetched once on an unknown kid); alg ES256/RS256;
 * signature; audience; expiry. Shared by the fake AWS, GCP and Entra servers.
 */
public final class OidcTokenValidator {

    /** A rejection with the cloud's error code. */
    public static final class Rejected extends RuntimeException {
        public final String code;

        Rejected(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private final String issuer;
    private final Set<String> audiences;
    private final HttpClient http;
    private volatile JWKSet cached;
    private final String uploadedJwks;
    public final AtomicInteger jwksFetches = new AtomicInteger();

    public OidcTokenValidator(String issuer, Set<String> audiences, SSLContext tls) {
        this(issuer, audiences, HttpClient.newBuilder().sslContext(tls).build(), null);
    }

    private OidcTokenValidator(String issuer, Set<String> audiences, HttpClient http, String uploadedJwks) {
        this.issuer = issuer;
        this.audiences = audiences;
        this.http = http;
        this.uploadedJwks = uploadedJwks;
    }

    /**
     * A validator for a provider as the cloud stores it (issuer, allowed audiences and, for issuers that are not
     * publicly reachable, an uploaded JWKS used instead of fetching), reaching issuers with this one's TLS trust.
     */
    public OidcTokenValidator forProvider(String issuer, Set<String> audiences, String uploadedJwks) {
        return new OidcTokenValidator(issuer, Set.copyOf(audiences), http, uploadedJwks);
    }

    /** Returns the verified claims or throws {@link Rejected} with code INVALID_TOKEN, EXPIRED, AUDIENCE or IDP. */
    public JWTClaimsSet validate(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (Exception e) {
            throw new Rejected("INVALID_TOKEN", "token is not a signed JWT");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new Rejected("INVALID_TOKEN", "no OpenID Connect provider for issuer " + claims.getIssuer());
        }
        String alg = jwt.getHeader().getAlgorithm().getName();
        if (!alg.equals("ES256") && !alg.equals("RS256")) {
            throw new Rejected("INVALID_TOKEN", "unsupported alg " + alg);
        }
        JWK key = key(jwt.getHeader().getKeyID());
        try {
            JWSVerifier v = key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) key);
            if (!jwt.verify(v)) {
                throw new Rejected("INVALID_TOKEN", "signature does not verify");
            }
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new Rejected("INVALID_TOKEN", "key does not fit the alg");
        }
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().isAfter(Instant.now())) {
            throw new Rejected("EXPIRED", "token has expired");
        }
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(audiences::contains)) {
            throw new Rejected("AUDIENCE", "incorrect token audience");
        }
        return claims;
    }

    private JWK key(String kid) {
        if (uploadedJwks != null) {
            JWK k;
            try {
                k = JWKSet.parse(uploadedJwks).getKeyByKeyId(kid);
            } catch (java.text.ParseException e) {
                throw new Rejected("INVALID_TOKEN", "the uploaded JWKS is not a JWK set");
            }
            if (k == null) {
                throw new Rejected("INVALID_TOKEN", "no key " + kid + " in the uploaded JWKS");
            }
            return k;
        }
        JWKSet set = cached;
        if (set == null || set.getKeyByKeyId(kid) == null) {
            set = fetch();
        }
        JWK k = set.getKeyByKeyId(kid);
        if (k == null) {
            throw new Rejected("INVALID_TOKEN", "no key " + kid + " in the issuer's JWKS");
        }
        return k;
    }

    private JWKSet fetch() {
        try {
            Map<String, Object> d = JSONObjectUtils.parse(get(issuer + "/.well-known/openid-configuration"));
            if (!issuer.equals(d.get("issuer"))) {
                throw new Rejected("INVALID_TOKEN", "discovery issuer does not match");
            }
            JWKSet set = JWKSet.parse(get((String) d.get("jwks_uri")));
            jwksFetches.incrementAndGet();
            cached = set;
            return set;
        } catch (Rejected r) {
            throw r;
        } catch (Exception e) {
            throw new Rejected("IDP", "cannot fetch the issuer's discovery document or JWKS: " + e.getMessage());
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body();
    }
}
