package dev.accord.broker.exchange;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.bundlesync.TestBundleWriter;
import dev.accord.broker.support.TestPostgres;
import dev.accord.broker.support.TestTls;
import dev.accord.broker.trustdomain.TrustDomainRepository;
import dev.accord.broker.trustdomain.TrustDomainRow;
import dev.accord.cloud.aws.AwsTrustRenderer;
import dev.accord.cloud.aws.FakeSts;
import dev.accord.cloud.testing.OidcTokenValidator;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.JwtAuthority;
import dev.accord.spiffe.testing.TestCa;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT-SVID in, AWS credentials out, through the whole chain: the broker (HTTPS, its issuer URL reachable) verifies
 * the SVID against the member's federated bundle, applies the mapping, signs its token, and calls STS with the
 * official SDK; the local STS fetches the broker's discovery document and JWKS like AWS and applies the trust
 * policy the broker rendered at GET /v1/mappings/{id}/trust-setup. So rendered trust and issued tokens must agree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class CloudCredentialsExchangeTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/payments";
    static final JwtAuthority MEMBER = JwtAuthority.es256("member-key");

    private final TestCa brokerCa = TestCa.create("broker.test");
    private final HttpClient http = TestTls.client(brokerCa, null);
    private FakeSts sts;
    static dev.accord.cloud.azure.FakeEntra entra;
    static dev.accord.cloud.gcp.FakeGoogle google;
    static final String PROVIDER = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/accord/providers/broker";
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String APP = "11111111-2222-3333-4444-555555555555";

    /** Routes the broker's Entra ID calls to the local fake. */
    @io.micronaut.context.annotation.Factory
    @io.micronaut.context.annotation.Requires(property = "spec.name", value = "CloudCredentialsExchangeTest")
    static class EntraTransport {
        @jakarta.inject.Singleton
        com.azure.core.http.HttpClient azureHttp() throws Exception {
            return entra.client();
        }

        @jakarta.inject.Singleton
        com.google.auth.http.HttpTransportFactory googleTransport() {
            return google.transport();
        }
    }
    private ApplicationContext ctx;
    private String base;

    @BeforeAll
    void start() throws Exception {
        sts = new FakeSts();
        entra = new dev.accord.cloud.azure.FakeEntra(TENANT, APP);
        google = new dev.accord.cloud.gcp.FakeGoogle();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "https://localhost:" + port;
        Map<String, Object> p = new HashMap<>(TestPostgres.freshDatabase("clouds"));
        p.putAll(TestTls.serverProperties(brokerCa));
        p.put("micronaut.server.ssl.port", port);
        p.put("accord.issuer.url", base);
        p.put("accord.sync.enabled", false);
        p.put("accord.clouds.aws-sts-endpoint", sts.endpoint().toString());
        p.put("spec.name", "CloudCredentialsExchangeTest");
        ctx = ApplicationContext.run(p, "test");
        ctx.getBean(EmbeddedServer.class).start();
        ctx.getBean(TrustDomainRepository.class).save(new TrustDomainRow("a.org", "https://a.invalid/bundle", "https_web",
                null, null, Instant.now(), Instant.now())).block();
        TestBundleWriter.store(ctx, SpiffeBundle.of(new TrustDomain("a.org"), List.of(),
                Map.of(MEMBER.kid(), MEMBER.publicKey())).withSequence(1));

        HttpResponse<String> created = admin("POST", "/v1/mappings", JSONObjectUtils.toJSONString(Map.of("name", "payments",
                "match", Map.of("kind", "prefix", "pattern", "spiffe://a.org/payments"),
                "target", Map.of("cloud", "aws", "roleArn", ROLE, "sessionDurationSeconds", 1800,
                        "sessionTags", Map.of("team", "payments")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) JSONObjectUtils.parse(created.body()).get("id");
        Map<String, Object> setup = JSONObjectUtils.parse(admin("GET", "/v1/mappings/" + id + "/trust-setup", null).body());
        String policy = (String) ((Map<?, ?>) setup.get("terraform")).get("assume_role_policy");
        AwsTrustRenderer.OidcProvider provider = AwsTrustRenderer.provider(base, ROLE, "sts.amazonaws.com");
        sts.configure(provider, ROLE, policy, new OidcTokenValidator(base, Set.of("sts.amazonaws.com"), trustBroker()));
    }

    @AfterAll
    void stop() {
        ctx.close();
        sts.close();
        entra.close();
        google.close();
    }

    private SSLContext trustBroker() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", brokerCa.rootCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private HttpResponse<String> admin(String method, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer accord-dev-admin-token")
                .header("Content-Type", "application/json").method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> exchange(String sub) throws Exception {
        String svid = MEMBER.sign(sub, List.of(base), Duration.ofMinutes(5));
        String form = "grant_type=" + enc(TokenExchangeService.GRANT_TYPE) + "&subject_token_type=" + enc(TokenExchangeService.JWT_TYPE)
                + "&subject_token=" + enc(svid) + "&resource=" + enc(ROLE)
                + "&requested_token_type=" + enc(TokenExchangeService.ACCESS_TOKEN_TYPE);
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void jwtSvidBecomesAwsCredentialsAndTheAuditNamesTheStsRequest() throws Exception {
        HttpResponse<String> r = exchange("spiffe://a.org/payments/api");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> body = JSONObjectUtils.parse(r.body());
        Map<?, ?> aws = (Map<?, ?>) body.get("aws");
        assertThat((String) aws.get("accessKeyId")).startsWith("ASIA");
        assertThat(aws.get("secretAccessKey")).isNotNull();
        assertThat(body.get("issued_token_type")).isEqualTo("urn:accord:params:oauth:token-type:aws-credentials");
        String requestId = (String) body.get("cloud_request_id");
        assertThat(requestId).isNotBlank();
        // The token STS saw: the broker's issuer, the SPIFFE ID, the mapping's session tags.
        assertThat(sts.lastClaims.getIssuer()).isEqualTo(base);
        assertThat(sts.lastClaims.getSubject()).isEqualTo("spiffe://a.org/payments/api");
        assertThat(sts.lastClaims.getJSONObjectClaim("https://aws.amazon.com/tags").toString()).contains("team");
        String audit = admin("GET", "/v1/audit?decision=allow", null).body();
        assertThat(audit).contains(requestId).doesNotContain((String) aws.get("secretAccessKey"));
    }

    @Test
    void jwtSvidBecomesAnEntraAccessTokenThroughTheRenderedFederatedCredential() throws Exception {
        HttpResponse<String> created = admin("POST", "/v1/mappings", JSONObjectUtils.toJSONString(Map.of("name", "graph",
                "match", Map.of("kind", "exact", "pattern", "spiffe://a.org/reports"),
                "target", Map.of("cloud", "azure", "tenantId", TENANT, "clientId", APP,
                        "scope", "https://graph.microsoft.com/.default"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) JSONObjectUtils.parse(created.body()).get("id");
        Map<String, Object> setup = JSONObjectUtils.parse(admin("GET", "/v1/mappings/" + id + "/trust-setup", null).body());
        entra.configure(JSONObjectUtils.toJSONString((Map<String, Object>) setup.get("federatedIdentityCredential")),
                new OidcTokenValidator(base, Set.of("api://AzureADTokenExchange"), trustBroker()));
        String svid = MEMBER.sign("spiffe://a.org/reports", List.of(base), Duration.ofMinutes(5));
        String form = "grant_type=" + enc(TokenExchangeService.GRANT_TYPE) + "&subject_token_type=" + enc(TokenExchangeService.JWT_TYPE)
                + "&subject_token=" + enc(svid) + "&resource=" + enc("azure://" + TENANT + "/" + APP)
                + "&requested_token_type=" + enc(TokenExchangeService.ACCESS_TOKEN_TYPE);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("eyJ0eXAi.entra-").contains("\"token_type\":\"Bearer\"");
    }

    @Test
    void jwtSvidBecomesAGoogleAccessTokenThroughTheRenderedPoolProvider() throws Exception {
        String sa = "reports@my-project.iam.gserviceaccount.com";
        HttpResponse<String> created = admin("POST", "/v1/mappings", JSONObjectUtils.toJSONString(Map.of("name", "gcs",
                "match", Map.of("kind", "prefix", "pattern", "spiffe://a.org/analytics"),
                "target", Map.of("cloud", "gcp", "providerResource", PROVIDER, "serviceAccountEmail", sa))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = (String) JSONObjectUtils.parse(created.body()).get("id");
        String setup = admin("GET", "/v1/mappings/" + id + "/trust-setup", null).body();
        google.configure(setup, new OidcTokenValidator(base, Set.of(PROVIDER), trustBroker()));
        String svid = MEMBER.sign("spiffe://a.org/analytics/job", List.of(base), Duration.ofMinutes(5));
        String form = "grant_type=" + enc(TokenExchangeService.GRANT_TYPE) + "&subject_token_type=" + enc(TokenExchangeService.JWT_TYPE)
                + "&subject_token=" + enc(svid) + "&resource=" + enc("//iam.googleapis.com/projects/-/serviceAccounts/" + sa)
                + "&requested_token_type=" + enc(TokenExchangeService.ACCESS_TOKEN_TYPE);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("ya29.fake-").contains("\"cloud\":\"gcp\"");
    }

    @Test
    void aMappingAllowsButTheCloudTrustDoesNotThenTheCloudRefusalIsReported() throws Exception {
        // Widen the broker mapping beyond the rendered trust policy: the broker allows, IAM denies.
        HttpResponse<String> wide = admin("POST", "/v1/mappings", JSONObjectUtils.toJSONString(Map.of("name", "wide",
                "match", Map.of("kind", "prefix", "pattern", "spiffe://a.org/batch"),
                "target", Map.of("cloud", "aws", "roleArn", ROLE))));
        assertThat(wide.statusCode()).isEqualTo(201);
        HttpResponse<String> r = exchange("spiffe://a.org/batch/job");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_target").contains("ACCESS_DENIED");
    }
}
