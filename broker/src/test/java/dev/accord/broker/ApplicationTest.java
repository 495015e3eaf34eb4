package dev.accord.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class ApplicationTest {

    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void openApiDocumentIsGeneratedFromTheCodeAndServed() {
        String doc = client.toBlocking().retrieve("/openapi/accord-broker-v1.yml");
        assertThat(doc).contains("openapi:").contains("/v1/trust-domains").contains("/v1/bundles/{trustDomain}")
                .contains("/v1/token").contains("/v1/mappings").contains("/v1/audit");
    }

    @Test
    void frameworkErrorsAreProblemDetailsWithoutInternals() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI base = java.net.URI.create("http://localhost:" + server.getPort());
        java.net.http.HttpResponse<String> malformed = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/v1/mappings"))
                .header("Authorization", "Bearer accord-dev-admin-token").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": ")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(malformed.body()).contains("\"status\":400").doesNotContain("at io.").doesNotContain("Exception:");
        java.net.http.HttpResponse<String> missing = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/no/such/route"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
    }

    @Inject
    io.micronaut.runtime.server.EmbeddedServer server;

    @Test
    void healthReportsUp() {
        HttpResponse<Map> r = client.toBlocking().exchange(HttpRequest.GET("/health"), Map.class);
        assertThat(r.getStatus().getCode()).isEqualTo(200);
        assertThat(r.body()).containsEntry("status", "UP");
    }
}
