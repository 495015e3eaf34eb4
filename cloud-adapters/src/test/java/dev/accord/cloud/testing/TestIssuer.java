package dev.accord.cloud.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.TestCa;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the broker's OIDC issuer: an HTTPS server with a discovery document and a JWKS, signing tokens
 * like the broker does (iss, sub = SPIFFE ID, aud, exp, kid). Keys can be rotated; retired keys can be unpublished.
 */
public final class TestIssuer implements AutoCloseable {

    private final TestCa ca = TestCa.create("issuer.test");
    private final HttpsServer server;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private volatile JWK es256;
    private volatile JWK rs256;

    public TestIssuer() throws Exception {
        es256 = new ECKeyGenerator(Curve.P_256).keyID("es-" + UUID.randomUUID()).generate();
        rs256 = new RSAKeyGenerator(2048).keyID("rs-" + UUID.randomUUID()).generate();
        published.add(es256.toPublicJWK());
        published.add(rs256.toPublicJWK());
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.issueSvid(CertSpec.server("localhost")
                .ipAddresses("127.0.0.1")).serverSslContext()));
        server.createContext("/.well-known/openid-configuration", ex -> reply(ex, JSONObjectUtils.toJSONString(Map.of(
                "issuer", url(), "jwks_uri", url() + "/jwks", "response_types_supported", List.of("id_token"),
                "subject_types_supported", List.of("public"), "id_token_signing_alg_values_supported", List.of("ES256", "RS256")))));
        server.createContext("/jwks", ex -> {
            List<Map<String, Object>> keys = new ArrayList<>();
            published.forEach(k -> keys.add(k.toJSONObject()));
            reply(ex, JSONObjectUtils.toJSONString(Map.of("keys", keys)));
        });
        server.start();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    /** The published JWKS, as a deployment would upload it to a cloud that cannot reach the issuer. */
    public String jwksJson() {
        List<Map<String, Object>> keys = new ArrayList<>();
        published.forEach(k -> keys.add(k.toJSONObject()));
        return JSONObjectUtils.toJSONString(Map.of("keys", keys));
    }

    /** The issuer URL ({@code https://localhost:<port>}). */
    public String url() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** A TLS context that trusts this issuer's certificate (what the fake cloud uses to fetch discovery/JWKS). */
    public SSLContext clientTls() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca.rootCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs a broker-style token. */
    public String token(String alg, String sub, String aud, Duration ttl, Map<String, Object> extra) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(url()).subject(sub).audience(aud)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl))).jwtID(UUID.randomUUID().toString());
            extra.forEach(c::claim);
            JWK key = "RS256".equals(alg) ? rs256 : es256;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.parse(alg)).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), c.build());
            jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a new ES256 key and signs with it from now on (the old one stays published unless dropped). */
    public void rotateEs256(boolean dropOld) throws Exception {
        JWK old = es256;
        es256 = new ECKeyGenerator(Curve.P_256).keyID("es-" + UUID.randomUUID()).generate();
        published.add(es256.toPublicJWK());
        if (dropOld) {
            published.removeIf(k -> k.getKeyID().equals(old.getKeyID()));
        }
    }

    /** Publishes a new RS256 key and signs with it from now on. */
    public void rotateRs256(boolean dropOld) throws Exception {
        JWK old = rs256;
        rs256 = new RSAKeyGenerator(2048).keyID("rs-" + UUID.randomUUID()).generate();
        published.add(rs256.toPublicJWK());
        if (dropOld) {
            published.removeIf(k -> k.getKeyID().equals(old.getKeyID()));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
