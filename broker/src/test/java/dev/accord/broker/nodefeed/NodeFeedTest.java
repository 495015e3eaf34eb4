package dev.accord.broker.nodefeed;

import dev.accord.broker.exchange.MemberBundles;
import dev.accord.broker.support.TestPostgres;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.TestCa;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node registry and GET /v1/nodes/{node}/config on PostgreSQL: content, federation scope, ETag, node auth. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "spec.name", value = "NodeFeedTest")
class NodeFeedTest implements TestPropertyProvider {

    static final TestCa CA_A = TestCa.create("td-a.org");
    static final TestCa CA_B = TestCa.create("td-b.org");
    static final TestCa CA_C = TestCa.create("td-c.org");
    static final String ADMIN = "accord-dev-admin-token";

    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
        return TestPostgres.freshDatabase("nodes");
    }

    @Singleton
    @Replaces(MemberBundles.class)
    @Requires(property = "spec.name", value = "NodeFeedTest")
    static class Bundles implements MemberBundles {
        @Override
        public Lookup lookup(TrustDomain td) {
            TestCa ca = switch (td.name()) {
                case "td-a.org" -> CA_A;
                case "td-b.org" -> CA_B;
                case "td-c.org" -> CA_C;
                default -> null;
            };
            return ca == null ? new Lookup.NotMember()
                    : new Lookup.Held(SpiffeBundle.of(td, List.of(ca.certificate()), Map.of()).withSequence(4));
        }
    }

    /** td-a.org receives td-b.org's bundle; nobody receives td-c.org's. */
    @Singleton
    @Replaces(FederationGraph.class)
    @Requires(property = "spec.name", value = "NodeFeedTest")
    static class Graph implements FederationGraph {
        @Override
        public Set<TrustDomain> receivedBy(TrustDomain member) {
            return member.name().equals("td-a.org") ? Set.of(new TrustDomain("td-b.org")) : Set.of();
        }
    }

    private static Map<String, Object> node(List<Integer> ports) {
        return Map.of("trustDomain", "td-a.org", "mode", "enforce", "coveredPorts", ports,
                "workloads", List.of(Map.of("spiffeId", "spiffe://td-a.org/web", "selectors", Map.of("uid", "1001"))));
    }

    private HttpResponse<String> feed(String name, String token, String etag) {
        var req = HttpRequest.GET("/v1/nodes/" + name + "/config");
        if (token != null) {
            req.bearerAuth(token);
        }
        if (etag != null) {
            req.header("If-None-Match", etag);
        }
        return client.toBlocking().exchange(req, String.class);
    }

    @Test
    void feedCarriesOwnAndFederatedBundlesOnlyAndIsVersioned() {
        HttpResponse<Map> created = client.toBlocking().exchange(HttpRequest.PUT("/v1/nodes/node-1", node(List.of(8443)))
                .bearerAuth(ADMIN), Map.class);
        assertThat(created.getStatus().getCode()).isEqualTo(201);
        String token = (String) created.body().get("feedToken");
        assertThat(token).startsWith("node_");

        HttpResponse<String> r = feed("node-1", token, null);
        String etag = r.getHeaders().get("ETag");
        assertThat(r.body()).contains("\"trustDomain\":\"td-a.org\"").contains("td-b.org").doesNotContain("td-c.org")
                .contains("\"coveredPorts\":[8443]").contains("spiffe://td-a.org/web").contains("BEGIN CERTIFICATE")
                .contains("\"sequence\":4").doesNotContain(token);
        assertThat(feed("node-1", token, etag).getStatus().getCode()).isEqualTo(304);

        client.toBlocking().exchange(HttpRequest.PUT("/v1/nodes/node-1", node(List.of(8443, 9000))).bearerAuth(ADMIN), Map.class);
        HttpResponse<String> changed = feed("node-1", token, etag);
        assertThat(changed.getStatus().getCode()).isEqualTo(200);
        assertThat(changed.getHeaders().get("ETag")).isNotEqualTo(etag);

        // Admins may read any node's feed; other credentials may not.
        assertThat(feed("node-1", ADMIN, null).getStatus().getCode()).isEqualTo(200);
        for (String bad : new String[] {null, "node_wrong", ADMIN + "x"}) {
            assertThatThrownBy(() -> feed("node-1", bad, null)).isInstanceOf(HttpClientResponseException.class)
                    .satisfies(e -> assertThat(((HttpClientResponseException) e).getStatus().getCode()).isEqualTo(401));
        }
        assertThatThrownBy(() -> feed("no-such-node", token, null))
                .satisfies(e -> assertThat(((HttpClientResponseException) e).getStatus().getCode()).isEqualTo(401));

        // A reset token replaces the old one.
        Map<?, ?> reset = client.toBlocking().retrieve(HttpRequest.POST("/v1/nodes/node-1/token", "").bearerAuth(ADMIN), Map.class);
        String fresh = (String) reset.get("feedToken");
        assertThat(feed("node-1", fresh, null).getStatus().getCode()).isEqualTo(200);
        assertThatThrownBy(() -> feed("node-1", token, null))
                .satisfies(e -> assertThat(((HttpClientResponseException) e).getStatus().getCode()).isEqualTo(401));
    }

    @Test
    void invalidNodesAreProblems() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("trustDomain", "td-a.org", "coveredPorts", List.of(70000)),
                Map.of("trustDomain", "td-a.org", "coveredPorts", List.of()),
                Map.of("trustDomain", "TD", "coveredPorts", List.of(1)),
                Map.of("trustDomain", "td-a.org", "coveredPorts", List.of(1), "mode", "block"),
                Map.of("trustDomain", "td-a.org", "coveredPorts", List.of(1), "workloads",
                        List.of(Map.of("spiffeId", "spiffe://td-b.org/x", "selectors", Map.of("uid", "1")))),
                Map.of("trustDomain", "td-a.org", "coveredPorts", List.of(1), "workloads",
                        List.of(Map.of("spiffeId", "spiffe://td-a.org/x", "selectors", Map.of("pid", "1")))))) {
            assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.PUT("/v1/nodes/node-x", bad).bearerAuth(ADMIN)))
                    .as(bad.toString()).isInstanceOf(HttpClientResponseException.class)
                    .satisfies(e -> {
                        HttpClientResponseException h = (HttpClientResponseException) e;
                        assertThat(h.getStatus().getCode()).isEqualTo(400);
                        assertThat(h.getResponse().getContentType().map(Object::toString)).hasValue("application/problem+json");
                    });
        }
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.PUT("/v1/nodes/Bad_Name", node(List.of(1)))
                .bearerAuth(ADMIN))).satisfies(e -> assertThat(((HttpClientResponseException) e).getStatus().getCode()).isEqualTo(400));
    }
}
