package dev.accord.broker.exchange;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.mapping.MappingService;
import dev.accord.broker.support.TestPostgres;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.JwtAuthority;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every path of POST /v1/token on PostgreSQL, with JWT-SVIDs signed by a test trust domain whose bundle the
 * broker holds: success (bearer and DPoP-bound) verified independently, and each rejection with its RFC 8693 error.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "spec.name", value = "TokenExchangeTest")
class TokenExchangeTest implements TestPropertyProvider {

    static final JwtAuthority A = JwtAuthority.es256("a-key-1");
    static final JwtAuthority FOREIGN = JwtAuthority.es256("a-key-1");
    static final TrustDomain TD_A = new TrustDomain("a.org");
    static final dev.accord.spiffe.testing.TestCa CA_A = dev.accord.spiffe.testing.TestCa.create("a.org");
    static final dev.accord.spiffe.testing.TestCa CA_OTHER = dev.accord.spiffe.testing.TestCa.create("a.org");
    static final String MTLS_ROLE = "arn:aws:iam::123456789012:role/mtls-only";
    static final String ROLE = "arn:aws:iam::123456789012:role/payments";
    static final String DPOP_ROLE = "arn:aws:iam::123456789012:role/dpop-only";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    EmbeddedServer server;
    @Inject
    MappingService mappings;
    @Inject
    AuditLog audit;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(TestPostgres.freshDatabase("exchange"));
        p.put("accord.issuer.url", "https://broker.test");
        return p;
    }

    /** The broker holds a.org's bundle; pending.org is registered but has none; others are unknown. */
    @Singleton
    @Replaces(MemberBundles.class)
    @Requires(property = "spec.name", value = "TokenExchangeTest")
    static class TestBundles implements MemberBundles {
        @Override
        public Lookup lookup(TrustDomain td) {
            return switch (td.name()) {
                case "a.org" -> new Lookup.Held(SpiffeBundle.of(TD_A, List.of(CA_A.certificate()),
                        Map.of(A.kid(), A.publicKey())));
                case "pending.org" -> new Lookup.NoBundle();
                default -> new Lookup.NotMember();
            };
        }
    }

    @BeforeAll
    void policy() {
        mappings.create(Map.of("name", "payments", "match", Map.of("kind", "prefix", "pattern", "spiffe://a.org/payments"),
                "target", Map.of("cloud", "aws", "roleArn", ROLE)), "test", "127.0.0.1");
        mappings.create(Map.of("name", "dpop", "match", Map.of("kind", "prefix", "pattern", "spiffe://a.org/payments"),
                "target", Map.of("cloud", "aws", "roleArn", DPOP_ROLE), "proofOfPossession", "dpop"), "test", "127.0.0.1");
        mappings.create(Map.of("name", "mtls", "match", Map.of("kind", "prefix", "pattern", "spiffe://a.org/payments"),
                "target", Map.of("cloud", "aws", "roleArn", MTLS_ROLE), "proofOfPossession", "mtls"), "test", "127.0.0.1");
        mappings.create(Map.of("name", "tie-1", "match", Map.of("kind", "glob", "pattern", "spiffe://a.org/tie/*/x"),
                "target", Map.of("cloud", "aws", "roleArn", "arn:aws:iam::123456789012:role/tie")), "test", "127.0.0.1");
    }

    private static String svid(JwtAuthority a, String sub, String aud, Duration ttl) {
        return a.sign(sub, List.of(aud), ttl);
    }

    private static Map<String, String> form(String token, String resource) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", TokenExchangeService.GRANT_TYPE);
        f.put("subject_token", token);
        f.put("subject_token_type", TokenExchangeService.JWT_TYPE);
        if (resource != null) {
            f.put("resource", resource);
        }
        return f;
    }

    private Map<?, ?> ok(Map<String, String> f, String dpop) {
        HttpRequest<?> req = HttpRequest.POST("/v1/token", f).contentType(MediaType.APPLICATION_FORM_URLENCODED);
        if (dpop != null) {
            ((io.micronaut.http.MutableHttpRequest<?>) req).header("DPoP", dpop);
        }
        return client.toBlocking().retrieve(req, Map.class);
    }

    private Map<?, ?> error(Map<String, String> f, String dpop) {
        try {
            ok(f, dpop);
        } catch (HttpClientResponseException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(400);
            assertThat(e.getResponse().getHeaders().get("Cache-Control")).isEqualTo("no-store");
            return e.getResponse().getBody(Map.class).orElseThrow();
        }
        throw new AssertionError("expected a rejection");
    }

    private void rejected(Map<String, String> f, String code, String descriptionPart) {
        Map<?, ?> e = error(f, null);
        assertThat(e.get("error")).isEqualTo(code);
        assertThat((String) e.get("error_description")).contains(descriptionPart);
    }

    @Test
    void exchangesAVerifiedSvidForABrokerTokenThatVerifiesIndependently() throws Exception {
        Map<?, ?> r = ok(form(svid(A, "spiffe://a.org/payments/api", "https://broker.test", Duration.ofMinutes(5)), ROLE), null);
        assertThat(r.get("issued_token_type")).isEqualTo(TokenExchangeService.JWT_TYPE);
        assertThat(r.get("token_type")).isEqualTo("N_A");
        assertThat(((Number) r.get("expires_in")).longValue()).isBetween(1L, 300L);
        String jwks = client.toBlocking().retrieve("/.well-known/jwks.json");
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("sts.amazonaws.com",
                new JWTClaimsSet.Builder().issuer("https://broker.test").subject("spiffe://a.org/payments/api").build(),
                Set.of("exp", "iat", "jti")));
        JWTClaimsSet claims = p.process((String) r.get("access_token"), null);
        // Lifetime ≤ the SVID's remaining 5 minutes.
        assertThat(claims.getExpirationTime().toInstant()).isBefore(Instant.now().plus(Duration.ofMinutes(5).plusSeconds(2)));
    }

    @Test
    void dpopBoundExchangeCarriesTheKeyThumbprintAndRejectsReplay() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String token = svid(A, "spiffe://a.org/payments/api", "https://broker.test", Duration.ofMinutes(5));
        assertThat(error(form(token, DPOP_ROLE), null).get("error_description").toString())
                .contains("requires proof of possession");
        String proof = dpop(key, "https://broker.test/v1/token");
        Map<?, ?> r = ok(form(token, DPOP_ROLE), proof);
        assertThat(r.get("token_type")).isEqualTo("DPoP");
        Map<?, ?> cnf = (Map<?, ?>) SignedJWT.parse((String) r.get("access_token")).getJWTClaimsSet().getClaim("cnf");
        assertThat(cnf.get("jkt")).isEqualTo(key.computeThumbprint().toString());
        Map<?, ?> replay = error(form(token, DPOP_ROLE), proof);
        assertThat(replay.get("error")).isEqualTo("invalid_dpop_proof");
        assertThat((String) replay.get("error_description")).contains("replay");
        Map<?, ?> wrongHtu = error(form(token, DPOP_ROLE), dpop(key, "https://evil.test/v1/token"));
        assertThat(wrongHtu.get("error")).isEqualTo("invalid_dpop_proof");
    }

    @Test
    void everyRejectionHasItsOwnErrorAndIsAudited() {
        String good = svid(A, "spiffe://a.org/payments/api", "https://broker.test", Duration.ofMinutes(5));
        Map<String, String> f = form(good, ROLE);
        f.put("grant_type", "client_credentials");
        rejected(f, "unsupported_grant_type", "grant_type");
        f = form(good, ROLE);
        f.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
        rejected(f, "invalid_request", "subject_token_type");
        rejected(form("", ROLE), "invalid_request", "subject_token is required");
        rejected(form(good, null), "invalid_request", "resource");
        rejected(form("garbage", ROLE), "invalid_grant", "not a signed JWT");
        // Unknown trust domain, and a member that is not federated yet.
        rejected(form(svid(A, "spiffe://z.org/w", "https://broker.test", Duration.ofMinutes(5)), ROLE),
                "invalid_grant", "not a member");
        rejected(form(svid(A, "spiffe://pending.org/w", "https://broker.test", Duration.ofMinutes(5)), ROLE),
                "invalid_grant", "not federated");
        // Bad signature: same kid, another key.
        rejected(form(svid(FOREIGN, "spiffe://a.org/payments/api", "https://broker.test", Duration.ofMinutes(5)), ROLE),
                "invalid_grant", "BAD_SIGNATURE");
        rejected(form(svid(A, "spiffe://a.org/payments/api", "https://other.test", Duration.ofMinutes(5)), ROLE),
                "invalid_grant", "AUDIENCE_MISMATCH");
        rejected(form(expired(), ROLE), "invalid_grant", "EXPIRED");
        rejected(form(svid(A, "spiffe://a.org/web", "https://broker.test", Duration.ofMinutes(5)), ROLE),
                "invalid_target", "no mapping allows spiffe://a.org/web");
        rejected(form(good, "arn:aws:iam::123456789012:role/unknown"), "invalid_target", "no mapping names");
        Map<?, ?> denied = client.toBlocking().retrieve(HttpRequest.GET("/v1/audit?decision=deny&limit=1000")
                .bearerAuth("accord-dev-admin-token"), Map.class);
        assertThat(denied.toString()).contains("unsupported_grant_type").contains("not a member").contains("BAD_SIGNATURE")
                .contains("no mapping allows spiffe://a.org/web");
    }

    @Inject
    TokenExchangeService service;

    /** mTLS proof of possession, at the service level (the TLS layer hands the verified client chain over). */
    @Test
    void mtlsProofOfPossessionRequiresTheSameSpiffeId() {
        String token = svid(A, "spiffe://a.org/payments/api", "https://broker.test", Duration.ofMinutes(5));
        URI uri = URI.create("https://broker.test/v1/token");
        java.util.function.Function<List<java.security.cert.X509Certificate>, TokenExchangeService.Request> req =
                chain -> new TokenExchangeService.Request(form(token, MTLS_ROLE), "127.0.0.1", chain, null, uri);

        TokenExchangeService.Result ok = service.exchange(req.apply(CA_A.issueSvid("spiffe://a.org/payments/api").chain()));
        assertThat(ok.mapping().name()).isEqualTo("mtls");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.exchange(req.apply(List.of())))
                .isInstanceOf(ExchangeError.Rejected.class).hasMessageContaining("requires proof of possession");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.exchange(
                        req.apply(CA_A.issueSvid("spiffe://a.org/payments/other").chain())))
                .isInstanceOf(ExchangeError.Rejected.class).hasMessageContaining("does not match");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.exchange(
                        req.apply(CA_OTHER.issueSvid("spiffe://a.org/payments/api").chain())))
                .isInstanceOf(ExchangeError.Rejected.class).hasMessageContaining("not a valid X509-SVID");
    }

    @Test
    void ambiguousStoredMappingsAreRefused() throws Exception {
        // Two equally specific rules cannot be created through the API; write the second directly, as a race or a
        // hand edit could, and check that the exchange refuses to choose.
        try (var c = ds.getConnection();
             var ps = c.prepareStatement("INSERT INTO mapping (id, name, match_kind, match_pattern, trust_domain, cloud,"
                     + " resource, target_json, pop, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,now(),now())")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, "tie-2");
            ps.setString(3, "glob");
            ps.setString(4, "spiffe://a.org/tie/x/*");
            ps.setString(5, "a.org");
            ps.setString(6, "aws");
            ps.setString(7, "arn:aws:iam::123456789012:role/tie");
            ps.setString(8, "{\"cloud\":\"aws\",\"roleArn\":\"arn:aws:iam::123456789012:role/tie\"}");
            ps.setString(9, "NONE");
            ps.executeUpdate();
        }
        mappings.reload();
        rejected(form(svid(A, "spiffe://a.org/tie/x/x", "https://broker.test", Duration.ofMinutes(5)),
                "arn:aws:iam::123456789012:role/tie"), "invalid_target", "equally specific");
    }

    @Inject
    javax.sql.DataSource ds;

    private static String expired() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        return A.sign(h -> h, new JWTClaimsSet.Builder().subject("spiffe://a.org/payments/api").audience("https://broker.test")
                .issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(60))).build());
    }

    private static String dpop(ECKey key, String htu) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK()).build(), new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", "POST").claim("htu", htu).issueTime(new Date()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
