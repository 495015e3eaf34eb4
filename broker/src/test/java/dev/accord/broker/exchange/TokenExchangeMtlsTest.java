package dev.accord.broker.exchange;

import dev.accord.broker.mapping.MappingService;
import dev.accord.broker.support.TestPostgres;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.spiffe.testing.X509SvidMaterial;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mTLS proof of possession over a real TLS connection: the workload presents its X509-SVID as the TLS client
 * certificate; the broker accepts the exchange only when that SVID verifies against the member's bundle and
 * names the same SPIFFE ID as the JWT-SVID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenExchangeMtlsTest {

    private final TestCa serverCa = TestCa.create("broker.test");
    private ApplicationContext ctx;
    private URI base;

    @BeforeAll
    void start() throws Exception {
        Map<String, Object> p = new HashMap<>(TestPostgres.freshDatabase("mtlspop"));
        p.putAll(dev.accord.broker.support.TestTls.serverProperties(serverCa));
        p.put("spec.name", "TokenExchangeTest");   // reuses TokenExchangeTest.TestBundles (a.org with CA_A)
        p.put("accord.issuer.url", "https://broker.test");
        ctx = ApplicationContext.run(p, "test");
        EmbeddedServer s = ctx.getBean(EmbeddedServer.class).start();
        base = URI.create("https://localhost:" + s.getPort());
        ctx.getBean(MappingService.class).create(Map.of("name", "mtls", "match",
                Map.of("kind", "prefix", "pattern", "spiffe://a.org/payments"),
                "target", Map.of("cloud", "aws", "roleArn", TokenExchangeTest.MTLS_ROLE), "proofOfPossession", "mtls"),
                "test", "127.0.0.1");
    }

    @AfterAll
    void stop() {
        ctx.close();
    }

    private HttpResponse<String> exchange(X509SvidMaterial clientCert) throws Exception {
        String svid = TokenExchangeTest.A.sign("spiffe://a.org/payments/api", List.of("https://broker.test"),
                Duration.ofMinutes(5));
        String form = "grant_type=" + enc(TokenExchangeService.GRANT_TYPE) + "&subject_token=" + enc(svid)
                + "&subject_token_type=" + enc(TokenExchangeService.JWT_TYPE) + "&resource=" + enc(TokenExchangeTest.MTLS_ROLE);
        return dev.accord.broker.support.TestTls.client(serverCa, clientCert).send(HttpRequest.newBuilder(base.resolve("/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void clientSvidWithTheSameIdIsAccepted() throws Exception {
        HttpResponse<String> r = exchange(TokenExchangeTest.CA_A.issueSvid("spiffe://a.org/payments/api"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("access_token");
    }

    @Test
    void missingForeignOrMismatchedClientSvidIsRefused() throws Exception {
        HttpResponse<String> none = exchange(null);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("requires proof of possession");
        HttpResponse<String> other = exchange(TokenExchangeTest.CA_A.issueSvid("spiffe://a.org/payments/other"));
        assertThat(other.body()).contains("does not match");
        HttpResponse<String> foreign = exchange(TestCa.create("a.org").issueSvid("spiffe://a.org/payments/api"));
        assertThat(foreign.body()).contains("not a valid X509-SVID");
    }
}
