package dev.accord.broker.security;

import dev.accord.broker.support.TestPostgres;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.spiffe.testing.X509SvidMaterial;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpMethod;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin guard over real TLS: every admin route (found from the router, so new routes are covered
 * automatically) answers 401 without credentials and with a wrong token, 403 to an X509-SVID that is not an
 * admin, and lets the configured admin SVID and the bearer token through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminSecurityTest {

    private static final String TOKEN = "s3cret-admin-token-for-tests";
    private final TestCa ca = TestCa.create("admin.org");
    private final X509SvidMaterial admin = ca.issueSvid("spiffe://admin.org/ops/alice");
    private final X509SvidMaterial stranger = ca.issueSvid("spiffe://admin.org/ops/mallory");
    private ApplicationContext ctx;
    private EmbeddedServer server;
    private URI base;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("admin-tls");
        Path bundle = dir.resolve("admin-bundle.pem");
        Files.write(bundle, dev.accord.spiffe.bundle.x509.X509Bundle.of(new dev.accord.spiffe.spiffeid.TrustDomain("admin.org"),
                List.of(ca.certificate())).marshal());
        Map<String, Object> p = new HashMap<>(TestPostgres.freshDatabase("security"));
        p.putAll(dev.accord.broker.support.TestTls.serverProperties(ca));
        p.put("accord.admin.token", TOKEN);
        p.put("accord.admin.spiffe-ids", List.of("spiffe://admin.org/ops/alice"));
        p.put("accord.admin.trust-bundle", bundle.toString());
        ctx = ApplicationContext.run(p, "test");
        server = ctx.getBean(EmbeddedServer.class).start();
        base = URI.create("https://localhost:" + server.getPort());
    }

    @AfterAll
    void stop() {
        ctx.close();
    }

    private HttpClient client(X509SvidMaterial clientCert) {
        return dev.accord.broker.support.TestTls.client(ca, clientCert);
    }

    private HttpResponse<String> send(HttpClient c, String method, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every route that is not public, with path variables filled in. */
    private List<String[]> adminRoutes() {
        List<String[]> out = new ArrayList<>();
        ctx.getBean(Router.class).uriRoutes().forEach((io.micronaut.web.router.UriRouteInfo<?, ?> r) -> {
            String path = r.getUriMatchTemplate().toString().replaceAll("\\{[^}]*}", "x");
            HttpMethod m = r.getHttpMethod();
            if (!AdminSecurityFilter.isPublic(m, path) && path.startsWith("/v1/")) {
                out.add(new String[] {m.name(), path});
            }
        });
        return out;
    }

    @Test
    void everyAdminRouteRefusesAnonymousAndWrongTokens() throws Exception {
        List<String[]> routes = adminRoutes();
        assertThat(routes.stream().map(r -> r[0] + " " + r[1]).toList())
                .contains("POST /v1/mappings", "PUT /v1/mappings/x", "DELETE /v1/mappings/x", "GET /v1/audit",
                        "POST /v1/issuer/rotate");
        HttpClient anonymous = client(null);
        for (String[] r : routes) {
            HttpResponse<String> none = send(anonymous, r[0], r[1], null);
            assertThat(none.statusCode()).as(r[0] + " " + r[1]).isEqualTo(401);
            assertThat(none.headers().firstValue("content-type")).hasValue("application/problem+json");
            if (!r[0].equals("HEAD")) {
                assertThat(none.body()).as(r[0] + " " + r[1]).doesNotContain("Exception").contains("\"status\":401");
            }
            assertThat(send(anonymous, r[0], r[1], "wrong-token").statusCode()).as(r[0] + " " + r[1]).isEqualTo(401);
        }
    }

    @Test
    void everyAdminRouteForbidsAnAuthenticatedNonAdmin() throws Exception {
        HttpClient strangerClient = client(stranger);
        for (String[] r : adminRoutes()) {
            assertThat(send(strangerClient, r[0], r[1], null).statusCode()).as(r[0] + " " + r[1]).isEqualTo(403);
        }
    }

    @Test
    void nonAdminSvidIsForbiddenAndAdminSvidAndTokenAreAllowed() throws Exception {
        HttpResponse<String> forbidden = send(client(stranger), "GET", "/v1/mappings", null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("spiffe://admin.org/ops/mallory is not an admin");
        assertThat(send(client(stranger), "POST", "/v1/issuer/rotate", null).statusCode()).isEqualTo(403);

        assertThat(send(client(admin), "GET", "/v1/mappings", null).statusCode()).isEqualTo(200);
        assertThat(send(client(null), "GET", "/v1/mappings", TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> created = send(client(admin), "POST", "/v1/mappings", null);
        assertThat(created.statusCode()).isEqualTo(400);   // authenticated; the empty body is then refused

        // An SVID from another CA with the admin's ID: the TLS layer defers trust to the broker, which refuses it.
        X509SvidMaterial forged = TestCa.create("admin.org").issueSvid("spiffe://admin.org/ops/alice");
        HttpResponse<String> r = send(client(forged), "GET", "/v1/mappings", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("not a valid X509-SVID");
    }

    @Test
    void publicRoutesNeedNoCredentials() throws Exception {
        HttpClient anonymous = client(null);
        assertThat(send(anonymous, "GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(send(anonymous, "GET", "/.well-known/openid-configuration", null).statusCode()).isEqualTo(200);
        assertThat(send(anonymous, "GET", "/.well-known/jwks.json", null).statusCode()).isEqualTo(200);
        // The token endpoint is reachable (and refuses the empty request on its own terms).
        assertThat(send(anonymous, "POST", "/v1/token", null).statusCode()).isNotIn(401, 403);
    }
}
