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
    void healthReportsUp() {
        HttpResponse<Map> r = client.toBlocking().exchange(HttpRequest.GET("/health"), Map.class);
        assertThat(r.getStatus().getCode()).isEqualTo(200);
        assertThat(r.body()).containsEntry("status", "UP");
    }
}
