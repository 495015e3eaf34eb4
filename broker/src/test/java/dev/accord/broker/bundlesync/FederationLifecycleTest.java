package dev.accord.broker.bundlesync;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.support.TestPostgres;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.FakeBundleEndpoint;
import dev.accord.spiffe.testing.TestCa;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The federation hub end to end on PostgreSQL: two members on real local HTTPS bundle endpoints (td-a.org with
 * https_web, td-b.org with https_spiffe), registered and federated through the admin API, fetched and served by
 * the broker; a CA rotation; every fault keeping the last good bundle; a restart; two replicas sharing one lease.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederationLifecycleTest {

    static final String T = "accord-dev-admin-token";
    static final TrustDomain A = new TrustDomain("td-a.org");
    static final TrustDomain B = new TrustDomain("td-b.org");
    static final String B_ENDPOINT_ID = "spiffe://td-b.org/spire/server";

    private final TestCa webCa = TestCa.create("webpki.test");
    private final TestCa caA1 = TestCa.create("td-a.org");
    private final TestCa caA2 = TestCa.create("td-a.org");
    private final TestCa caB = TestCa.create("td-b.org");
    private final HttpClient http = HttpClient.newHttpClient();
    private Map<String, Object> props;
    private FakeBundleEndpoint epA;
    private FakeBundleEndpoint epB;
    private ApplicationContext broker;
    private URI base;

    private static SpiffeBundle bundle(TrustDomain td, long seq, TestCa... cas) {
        return SpiffeBundle.of(td, java.util.Arrays.stream(cas).map(TestCa::rootCertificate).toList(), Map.of())
                .withSequence(seq).withRefreshHint(Duration.ofSeconds(1));
    }

    @BeforeAll
    void start() throws Exception {
        epA = FakeBundleEndpoint.start(webCa.issueSvid(CertSpec.server("localhost").ipAddresses("127.0.0.1")))
                .body(bundle(A, 1, caA1).marshal());
        epB = FakeBundleEndpoint.start(caB.issueSvid(B_ENDPOINT_ID)).body(bundle(B, 10, caB).marshal());
        Path roots = Files.createTempFile("webpki", ".pem");
        Files.write(roots, dev.accord.spiffe.bundle.x509.X509Bundle.of(A, List.of(webCa.rootCertificate())).marshal());
        props = new HashMap<>(TestPostgres.freshDatabase("lifecycle"));
        props.put("micronaut.server.port", -1);
        props.put("accord.sync.tick", "200ms");
        props.put("accord.sync.reload-interval", "500ms");
        props.put("accord.sync.min-interval", "1s");
        props.put("accord.sync.max-interval", "3s");
        props.put("accord.sync.jitter", "0");
        props.put("accord.sync.fetch-timeout", "1s");
        props.put("accord.sync.max-bundle-bytes", "65536");
        props.put("accord.sync.web-pki-roots", roots.toString());
        broker = startBroker();
    }

    private ApplicationContext startBroker() {
        ApplicationContext ctx = ApplicationContext.run(props, "test");
        base = ctx.getBean(EmbeddedServer.class).start().getURI();
        return ctx;
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
        epA.close();
        epB.close();
    }

    private HttpResponse<String> call(String method, String path, Object body, String etag) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + T)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSONObjectUtils.toJSONString(
                        (Map<String, ?>) body)));
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> member(String name) throws Exception {
        return JSONObjectUtils.parse(call("GET", "/v1/trust-domains/" + name, null, null).body());
    }

    private Map<String, Object> await(String name, Predicate<Map<String, Object>> until) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> m = member(name);
        while (!until.test(m)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("member " + name + " never reached the expected state: " + m);
            }
            Thread.sleep(100);
            m = member(name);
        }
        return m;
    }

    private static boolean seq(Map<String, Object> m, long s) {
        return m.get("bundleSequence") instanceof Number n && n.longValue() == s;
    }

    @Test
    @Order(1)
    void registersFederatesFetchesAndServes() throws Exception {
        HttpResponse<String> a = call("POST", "/v1/trust-domains", Map.of("name", "td-a.org",
                "bundleEndpointUrl", epA.url().toString(), "profile", "https_web"), null);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
        String bootstrap = new String(bundle(B, 1, caB).marshal(), StandardCharsets.UTF_8);
        HttpResponse<String> b = call("POST", "/v1/trust-domains", Map.of("name", "td-b.org",
                "bundleEndpointUrl", epB.url().toString(), "profile", "https_spiffe", "endpointSpiffeId", B_ENDPOINT_ID,
                "bootstrapBundle", bootstrap), null);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(201);
        assertThat(call("POST", "/v1/federation-relationships", Map.of("receiver", "td-a.org", "source", "td-b.org"), null)
                .statusCode()).isEqualTo(201);

        await("td-a.org", m -> "fresh".equals(m.get("status")) && seq(m, 1));
        await("td-b.org", m -> "fresh".equals(m.get("status")) && seq(m, 10));

        HttpResponse<String> served = http.send(HttpRequest.newBuilder(base.resolve("/v1/bundles/td-b.org")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(SpiffeBundle.parse(B, served.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(bundle(B, 10, caB));
        String etag = served.headers().firstValue("ETag").orElseThrow();
        assertThat(served.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("max-age="));
        assertThat(http.send(HttpRequest.newBuilder(base.resolve("/v1/bundles/td-b.org")).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(304);

        // td-a receives td-b; td-b does not receive td-a.
        assertThat(call("GET", "/v1/bundles/td-b.org?for=td-a.org", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/bundles/td-a.org?for=td-b.org", null, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/v1/federation/td-a.org/bundles", null, null).body()).contains("\"trustDomain\":\"td-b.org\"");
        assertThat(call("GET", "/v1/federation/td-b.org/bundles", null, null).body()).doesNotContain("td-a.org\",");
        assertThat(call("GET", "/v1/bundles/unknown.org", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void caRotationIsPickedUpWithTheNewSequence() throws Exception {
        epA.body(bundle(A, 2, caA1, caA2).marshal());
        await("td-a.org", m -> seq(m, 2));
        epA.body(bundle(A, 3, caA2).marshal());
        await("td-a.org", m -> seq(m, 3));
        SpiffeBundle served = SpiffeBundle.parse(A, call("GET", "/v1/bundles/td-a.org", null, null).body()
                .getBytes(StandardCharsets.UTF_8));
        assertThat(served.x509Authorities()).containsExactly(caA2.rootCertificate());
        assertThat(call("GET", "/v1/trust-domains/td-a.org/bundle-history", null, null).body())
                .contains("\"sequence\":3").contains("\"sequence\":2").contains("\"sequence\":1");
    }

    @Test
    @Order(3)
    void faultsKeepTheLastGoodBundleAndSayWhy() throws Exception {
        String good = call("GET", "/v1/bundles/td-a.org", null, null).body();
        record Fault(String name, Runnable apply, String reason) {
        }
        List<Fault> faults = List.of(
                new Fault("down", () -> epA.status(503), "HTTP_STATUS"),
                new Fault("slow", () -> epA.status(200).delay(Duration.ofSeconds(2)), "TIMEOUT"),
                new Fault("garbage", () -> epA.delay(Duration.ZERO).body("<html>oops</html>"), "MALFORMED_BUNDLE"),
                new Fault("oversized", () -> epA.body("{\"keys\":[],\"x\":\"" + "y".repeat(70_000) + "\"}"), "RESPONSE_TOO_LARGE"),
                new Fault("regression", () -> epA.body(bundle(A, 1, caA1).marshal()), "SEQUENCE_REGRESSION"));
        for (Fault f : faults) {
            f.apply().run();
            Map<String, Object> m = await("td-a.org", x -> "failing".equals(x.get("status"))
                    && x.get("lastError") instanceof Map<?, ?> e && f.reason().equals(e.get("reason")));
            assertThat(seq(m, 3)).as(f.name()).isTrue();
            assertThat(call("GET", "/v1/bundles/td-a.org", null, null).body()).as(f.name()).isEqualTo(good);
        }
        // Wrong endpoint SPIFFE ID on the https_spiffe member.
        epB.identity(caB.issueSvid("spiffe://td-b.org/not-the-server"));
        Map<String, Object> b = await("td-b.org", x -> x.get("lastError") instanceof Map<?, ?> e
                && "ENDPOINT_ID_MISMATCH".equals(e.get("reason")));
        assertThat(seq(b, 10)).isTrue();
        assertThat(call("GET", "/v1/bundles/td-b.org", null, null).statusCode()).isEqualTo(200);
        // Recovery.
        epA.body(bundle(A, 4, caA2).marshal());
        epB.identity(caB.issueSvid(B_ENDPOINT_ID));
        await("td-a.org", m -> "fresh".equals(m.get("status")) && seq(m, 4));
        await("td-b.org", m -> "fresh".equals(m.get("status")));
        assertThat(call("GET", "/metrics", null, null).body()).contains("accord_bundle_refresh_total")
                .contains("accord_bundle_age_seconds{trust_domain=\"td-a.org\"}");
    }

    @Test
    @Order(4)
    void restartOnTheSameDatabaseLosesNothingAndResumes() throws Exception {
        String before = call("GET", "/v1/bundles/td-a.org", null, null).body();
        broker.close();
        broker = startBroker();
        // Served from the database right after start, before any refresh.
        assertThat(call("GET", "/v1/bundles/td-a.org", null, null).body()).isEqualTo(before);
        assertThat(call("GET", "/v1/federation-relationships", null, null).body()).contains("td-b.org");
        int requests = epA.requests();
        epA.body(bundle(A, 5, caA2).marshal());
        await("td-a.org", m -> seq(m, 5));
        assertThat(epA.requests()).isGreaterThan(requests);
    }

    @Test
    @Order(6)
    void tokenExchangeAndNodeFeedUseTheFederatedBundles() throws Exception {
        dev.accord.spiffe.testing.JwtAuthority ja = dev.accord.spiffe.testing.JwtAuthority.es256("td-a-jwt-1");
        epA.body(bundle(A, 7, caA2).withJwtAuthorities(Map.of(ja.kid(), ja.publicKey())).marshal());
        await("td-a.org", m -> seq(m, 7));
        String role = "arn:aws:iam::123456789012:role/lifecycle";
        assertThat(call("POST", "/v1/mappings", Map.of("name", "lifecycle", "match",
                Map.of("kind", "prefix", "pattern", "spiffe://td-a.org/svc"),
                "target", Map.of("cloud", "aws", "roleArn", role)), null).statusCode()).isEqualTo(201);
        String svid = ja.sign("spiffe://td-a.org/svc/api", List.of("http://localhost:8080"), Duration.ofMinutes(5));
        String form = "grant_type=" + enc(dev.accord.broker.exchange.TokenExchangeService.GRANT_TYPE)
                + "&subject_token_type=" + enc(dev.accord.broker.exchange.TokenExchangeService.JWT_TYPE)
                + "&subject_token=" + enc(svid) + "&resource=" + enc(role);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        HttpResponse<String> node = call("PUT", "/v1/nodes/node-a", Map.of("trustDomain", "td-a.org", "coveredPorts", List.of(8443)), null);
        String token = (String) JSONObjectUtils.parse(node.body()).get("feedToken");
        HttpResponse<String> feed = http.send(HttpRequest.newBuilder(base.resolve("/v1/nodes/node-a/config"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(feed.body()).contains("\"trustDomain\":\"td-a.org\"").contains("\"trustDomain\":\"td-b.org\"");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    @Order(5)
    void twoReplicasNeverRefreshTheSameMemberAtOnce() throws Exception {
        ApplicationContext second = ApplicationContext.run(props, "test");
        try {
            second.getBean(EmbeddedServer.class).start();
            epA.delay(Duration.ofMillis(400));
            epB.delay(Duration.ofMillis(400));
            Thread.sleep(6000);
            assertThat(epA.maxConcurrentRequests()).isEqualTo(1);
            assertThat(epB.maxConcurrentRequests()).isEqualTo(1);
            // Both replicas took part.
            BundleSyncService s1 = broker.getBean(BundleSyncService.class);
            BundleSyncService s2 = second.getBean(BundleSyncService.class);
            assertThat(s1.owner()).isNotEqualTo(s2.owner());
        } finally {
            epA.delay(Duration.ZERO);
            epB.delay(Duration.ZERO);
            second.close();
        }
    }
}
