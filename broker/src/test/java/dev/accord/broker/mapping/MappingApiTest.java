package dev.accord.broker.mapping;

import dev.accord.broker.support.TestPostgres;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mapping admin API on PostgreSQL: validation, conflicts, precedence as served, audit of every change. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MappingApiTest implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    MappingService service;

    @Override
    public Map<String, String> getProperties() {
        return TestPostgres.freshDatabase("mapping");
    }

    private static Map<String, Object> body(String name, String kind, String pattern, String role) {
        return Map.of("name", name, "match", Map.of("kind", kind, "pattern", pattern),
                "target", Map.of("cloud", "aws", "roleArn", "arn:aws:iam::123456789012:role/" + role,
                        "sessionDurationSeconds", 1800, "sessionTags", Map.of("team", "payments")),
                "proofOfPossession", "dpop");
    }

    private HttpResponse<Map> post(Object b) {
        return client.toBlocking().exchange(HttpRequest.POST("/v1/mappings", b).bearerAuth("accord-dev-admin-token"), Map.class);
    }

    private Map<String, Object> problem(Runnable r) {
        try {
            r.run();
        } catch (HttpClientResponseException e) {
            assertThat(e.getResponse().getContentType()).hasValueSatisfying(t -> assertThat(t.toString()).isEqualTo("application/problem+json"));
            @SuppressWarnings("unchecked")
            Map<String, Object> p = e.getResponse().getBody(Map.class).orElseThrow();
            p.put("__status", e.getStatus().getCode());
            return p;
        }
        throw new AssertionError("expected an error response");
    }

    @Test
    void createListUpdateDeleteWithAuditTrail() {
        HttpResponse<Map> created = post(body("payments", "prefix", "spiffe://a.org/payments", "payments"));
        assertThat(created.getStatus().getCode()).isEqualTo(201);
        String id = (String) created.body().get("id");
        assertThat(created.body().get("resource")).isEqualTo("arn:aws:iam::123456789012:role/payments");
        assertThat(created.body().get("proofOfPossession")).isEqualTo("dpop");
        assertThat((Object) created.getHeaders().get("Location")).isEqualTo("/v1/mappings/" + id);

        Map<?, ?> list = client.toBlocking().retrieve(HttpRequest.GET("/v1/mappings?trustDomain=a.org")
                .bearerAuth("accord-dev-admin-token"), Map.class);
        assertThat((List<?>) list.get("items")).hasSize(1);

        Map<String, Object> changed = body("payments", "prefix", "spiffe://a.org/payments/eu", "payments");
        Map<?, ?> updated = client.toBlocking().retrieve(HttpRequest.PUT("/v1/mappings/" + id, changed)
                .bearerAuth("accord-dev-admin-token"), Map.class);
        assertThat(((Map<?, ?>) updated.get("match")).get("pattern")).isEqualTo("spiffe://a.org/payments/eu");
        assertThat((Object) service.policy().find(java.util.UUID.fromString(id)).orElseThrow().matcher().pattern())
                .isEqualTo("spiffe://a.org/payments/eu");

        HttpResponse<?> deleted = client.toBlocking().exchange(HttpRequest.DELETE("/v1/mappings/" + id)
                .bearerAuth("accord-dev-admin-token"));
        assertThat(deleted.getStatus().getCode()).isEqualTo(204);
        assertThat(problem(() -> client.toBlocking().exchange(HttpRequest.GET("/v1/mappings/" + id)
                .bearerAuth("accord-dev-admin-token"))).get("__status")).isEqualTo(404);

        Map<?, ?> audit = client.toBlocking().retrieve(HttpRequest.GET("/v1/audit?kind=admin")
                .bearerAuth("accord-dev-admin-token"), Map.class);
        List<?> items = (List<?>) audit.get("items");
        assertThat(items.stream().map(i -> String.valueOf(((Map<?, ?>) i).get("action"))).toList()).contains("POST /v1/mappings",
                "PUT /v1/mappings/" + id, "DELETE /v1/mappings/" + id);
        Map<?, ?> put = (Map<?, ?>) items.stream().filter(i -> ((Map<?, ?>) i).get("action").toString().startsWith("PUT"))
                .findFirst().orElseThrow();
        assertThat(put.get("detail").toString()).contains("\"before\"").contains("spiffe://a.org/payments\"")
                .contains("spiffe://a.org/payments/eu");
    }

    @Test
    void invalidInputIsAProblemNamingTheField() {
        Map<String, Object> p = problem(() -> post(Map.of("name", "x", "match", Map.of("kind", "exact",
                "pattern", "spiffe://a.org/x"), "target", Map.of("cloud", "aws", "roleArn", "arn:aws:iam::1:role/x"))));
        assertThat(p.get("__status")).isEqualTo(400);
        assertThat(p.get("field")).isEqualTo("target.roleArn");
        assertThat(problem(() -> post(Map.of("name", "x", "match", Map.of("kind", "regex", "pattern", "spiffe://a.org/x"),
                "target", Map.of("cloud", "aws")))).get("field")).isEqualTo("match.kind");
        assertThat(problem(() -> post(Map.of("name", "x"))).get("field")).isEqualTo("match");
        assertThat(problem(() -> post(Map.of("name", "x", "match", Map.of("kind", "exact", "pattern", "spiffe://a.org/x"),
                "target", Map.of("cloud", "oracle")))).get("field")).isEqualTo("target.cloud");
    }

    @Test
    void tiesAreAConflict() {
        post(body("g1", "glob", "spiffe://t.org/ns/*/eu", "tie"));
        Map<String, Object> p = problem(() -> post(body("g2", "glob", "spiffe://t.org/ns/eu/*", "tie")));
        assertThat(p.get("__status")).isEqualTo(409);
        assertThat((String) p.get("detail")).contains("ambiguous").contains("g1");
        assertThat(problem(() -> post(body("g1", "exact", "spiffe://t.org/other", "x"))).get("__status")).isEqualTo(409);
    }
}
