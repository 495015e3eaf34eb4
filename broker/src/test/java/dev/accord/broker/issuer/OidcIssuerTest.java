package dev.accord.broker.issuer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.accord.spiffe.spiffeid.SpiffeId;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Verifies broker tokens the way a cloud does: a plain nimbus verifier that knows only the issuer URL, fetches
 * discovery and the JWKS over HTTP, and checks signature, iss, aud and exp — across a key rotation.
 */
@MicronautTest(transactional = false)
@Property(name = "accord.issuer.kek", value = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
@Property(name = "accord.issuer.pre-publish", value = "0s")
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class OidcIssuerTest implements io.micronaut.test.support.TestPropertyProvider {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new java.util.HashMap<>(dev.accord.broker.support.TestPostgres.freshDatabase("issuer"));
        // The issuer URL names the server's own port, so pick a free one up front.
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            p.put("micronaut.server.port", String.valueOf(s.getLocalPort()));
            p.put("accord.issuer.url", "http://localhost:" + s.getLocalPort());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }


    private static final SpiffeId SUB = SpiffeId.parse("spiffe://a.org/payments/api");

    @Inject
    EmbeddedServer server;
    @Inject
    IssuerService issuer;

    private final HttpClient http = HttpClient.newHttpClient();

    private Map<String, Object> json(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.getURI().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return com.nimbusds.jose.util.JSONObjectUtils.parse(r.body());
    }

    /** What a cloud does: discovery → jwks_uri → JWKS. */
    private JWKSet fetchJwks() throws Exception {
        Map<String, Object> discovery = json("/.well-known/openid-configuration");
        String jwksUri = (String) discovery.get("jwks_uri");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jwksUri)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JWKSet.parse(r.body());
    }

    private JWTClaimsSet verify(String token, JWKSet jwks, String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(jwks)));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer.config().url()).build(), Set.of("sub", "exp", "iat", "jti")));
        return p.process(token, null);
    }

    @Test
    void discoveryDocumentHasWhatCloudsRequire() throws Exception {
        Map<String, Object> d = json("/.well-known/openid-configuration");
        assertThat(d.get("issuer")).isEqualTo(issuer.config().url());
        assertThat((String) d.get("jwks_uri")).isEqualTo(issuer.config().url() + "/.well-known/jwks.json");
        assertThat(d).containsKeys("response_types_supported", "subject_types_supported",
                "id_token_signing_alg_values_supported", "claims_supported");
        assertThat(d.get("id_token_signing_alg_values_supported").toString()).contains("ES256", "RS256");
        JWKSet jwks = fetchJwks();
        assertThat(jwks.getKeys()).allSatisfy(k -> {
            assertThat(k.isPrivate()).isFalse();
            assertThat(k.getKeyID()).isNotBlank();
            assertThat(k.getAlgorithm()).isNotNull();
        });
        assertThat(jwks.getKeys()).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void tokensVerifyAcrossRotationWithoutAGap() throws Exception {
        TokenIssuer t = issuer.tokenIssuer();
        Instant svidExp = Instant.now().plus(Duration.ofHours(1));
        JWKSet before = fetchJwks();
        String oldToken = t.issue("ES256", SUB, "sts.amazonaws.com", svidExp, null, Map.of()).token();
        assertThat(verify(oldToken, before, "sts.amazonaws.com").getSubject()).isEqualTo(SUB.toString());

        String oldKid = issuer.ring().active("ES256").orElseThrow().kid();
        issuer.rotate("ES256");
        String newKid = issuer.ring().active("ES256").orElseThrow().kid();
        assertThat(newKid).isNotEqualTo(oldKid);

        String newToken = t.issue("ES256", SUB, "sts.amazonaws.com", svidExp, null, Map.of()).token();
        // A verifier still holding the JWKS from before the rotation accepts the new key (it was published as next)...
        assertThat(verify(newToken, before, "sts.amazonaws.com").getSubject()).isEqualTo(SUB.toString());
        // ...and one that fetches after the rotation still accepts tokens of the retired key.
        JWKSet after = fetchJwks();
        assertThat(after.getKeyByKeyId(oldKid)).isNotNull();
        assertThat(verify(oldToken, after, "sts.amazonaws.com").getSubject()).isEqualTo(SUB.toString());
        assertThat(verify(newToken, after, "sts.amazonaws.com").getSubject()).isEqualTo(SUB.toString());

        assertThatThrownBy(() -> verify(newToken, after, "other-audience")).hasMessageContaining("aud");
    }

    @Inject
    @io.micronaut.http.client.annotation.Client("/")
    io.micronaut.http.client.HttpClient client;

    @Test
    void adminRotationEndpointRotatesAndNeverShowsPrivateKeys() {
        String before = issuer.ring().active("RS256").orElseThrow().kid();
        String next = issuer.ring().next("RS256").orElseThrow().kid();
        String body = client.toBlocking().retrieve(io.micronaut.http.HttpRequest.POST("/v1/issuer/rotate?alg=RS256", "")
                .bearerAuth("accord-dev-admin-token"));
        assertThat(issuer.ring().active("RS256").orElseThrow().kid()).isEqualTo(next).isNotEqualTo(before);
        assertThat(body).contains(before).contains("retired").doesNotContain("privateKey").doesNotContain("\"d\"");
        assertThatThrownBy(() -> client.toBlocking().retrieve(io.micronaut.http.HttpRequest.POST("/v1/issuer/rotate?alg=HS256", "")
                .bearerAuth("accord-dev-admin-token"))).hasMessageContaining("HS256");
    }

    @Test
    void keysSurviveReloadFromTheDatabase() {
        String kid = issuer.ring().active("RS256").orElseThrow().kid();
        assertThat(issuer.reload().active("RS256").orElseThrow().kid()).isEqualTo(kid);
    }
}
