package dev.accord.cloud.gcp;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.cloud.testing.OidcTokenValidator;
import dev.accord.cloud.testing.TestIssuer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local Google STS ({@code POST /v1/token}, RFC 8693 form in, JSON out) and IAM Credentials
 * ({@code POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken}) that validate like Google: the token
 * against the provider's issuer and allowed audiences, the rendered CEL attribute condition (the forms
 * {@link GcpTrustRenderer} produces), then the workloadIdentityUser binding of the service account.
 */
public final class FakeGoogle implements AutoCloseable {

    private final HttpsServer server;
    final TestCa ca = TestCa.create("google.test");
    private volatile String providerResource;
    private volatile String condition;
    private volatile String serviceAccount;
    private volatile String member;
    private volatile OidcTokenValidator validator;
    volatile long lastLifetimeSeconds;
    private final Map<String, JWTClaimsSet> federated = new ConcurrentHashMap<>();
    private final Deque<String> scripted = new ArrayDeque<>();
    volatile Map<String, String> lastStsForm = Map.of();

    public FakeGoogle(String renderedJson, OidcTokenValidator validator) throws Exception {
        this();
        configure(renderedJson, validator);
    }

    /**
     * A Google whose pool provider is what {@link dev.accord.cloud.gcp.GcpTrustRenderer} renders for {@code issuer}
     * (the provider name is also the allowed audience), validating tokens as STS does.
     */
    public static FakeGoogle trusting(TestIssuer issuer, String provider, String serviceAccount, String matcher,
                                      String pattern, String jwksJson) throws Exception {
        String rendered = GcpTrustRenderer.render(issuer.url(), provider, provider, serviceAccount, matcher, pattern, jwksJson);
        return new FakeGoogle(rendered, new OidcTokenValidator(issuer.url(), java.util.Set.of(provider), issuer.clientTls()));
    }

    /** Installs the pool provider and service account binding (as rendered) and the issuer validation. */
    @SuppressWarnings("unchecked")
    public void configure(String renderedJson, OidcTokenValidator validator) throws Exception {
        Map<String, Object> r = JSONObjectUtils.parse(renderedJson);
        Map<String, Object> p = (Map<String, Object>) r.get("workloadIdentityPoolProvider");
        this.providerResource = "//iam.googleapis.com/" + p.get("name");
        this.condition = (String) p.get("attributeCondition");
        Map<String, Object> binding = (Map<String, Object>) r.get("serviceAccountBinding");
        this.serviceAccount = (String) binding.get("serviceAccount");
        this.member = (String) binding.get("member");
        // Validate as the provider is stored: its issuer, its allowed audiences, and the uploaded JWKS if any.
        Map<String, Object> oidc = (Map<String, Object>) p.get("oidc");
        this.validator = validator.forProvider((String) oidc.get("issuerUri"),
                java.util.Set.copyOf((List<String>) oidc.get("allowedAudiences")), (String) oidc.get("jwksJson"));
    }

    public FakeGoogle() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.issueSvid(CertSpec.server("sts.googleapis.com",
                "iamcredentials.googleapis.com").ipAddresses("127.0.0.1")).serverSslContext()));
        server.createContext("/v1/token", this::sts);
        server.createContext("/v1/projects/", this::generateAccessToken);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /**
     * A google-http-client transport that sends requests for Google's hosts to this server (same path, TLS with
     * this server's certificate), so the SDK runs with its real, validated endpoint URLs.
     */
    public com.google.auth.http.HttpTransportFactory transport() {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca.rootCertificate());
            com.google.api.client.http.javanet.NetHttpTransport t = new com.google.api.client.http.javanet.NetHttpTransport.Builder()
                    .trustCertificates(ks)
                    .setConnectionFactory(url -> (java.net.HttpURLConnection) java.net.URI.create("https://127.0.0.1:" + port()
                            + url.getFile()).toURL().openConnection())
                    .build();
            return () -> t;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void script(String next) {
        scripted.add(next);
    }

    private void sts(HttpExchange ex) throws IOException {
        Map<String, String> f = dev.accord.cloud.testing.FakeHttp.form(ex);
        lastStsForm = f;
        String next = scripted.poll();
        if ("throttle".equals(next)) {
            send(ex, 429, "{\"error\":\"rate_limit_exceeded\",\"error_description\":\"Too many requests (429)\"}");
            return;
        }
        if ("malformed".equals(next)) {
            send(ex, 200, "{\"access_token\":");
            return;
        }
        if (!"urn:ietf:params:oauth:grant-type:token-exchange".equals(f.get("grant_type"))
                || !"urn:ietf:params:oauth:token-type:jwt".equals(f.get("subject_token_type"))) {
            oauthError(ex, "invalid_request", "unsupported grant or subject token type");
            return;
        }
        if (!providerResource.equals(f.get("audience"))) {
            oauthError(ex, "invalid_target", "The target service indicated by the \"audience\" parameters is invalid");
            return;
        }
        JWTClaimsSet claims;
        try {
            claims = validator.validate(f.getOrDefault("subject_token", ""));
        } catch (OidcTokenValidator.Rejected e) {
            oauthError(ex, "invalid_grant", switch (e.code) {
                case "EXPIRED" -> "ID Token has expired.";
                case "AUDIENCE" -> "The audience in ID Token does not match the expected audience.";
                default -> "Invalid ID Token: " + e.getMessage();
            });
            return;
        }
        if (!celHolds(claims)) {
            oauthError(ex, "unauthorized_client", "The given credential is rejected by the attribute condition.");
            return;
        }
        String fed = "fed-" + UUID.randomUUID();
        federated.put(fed, claims);
        send(ex, 200, "{\"access_token\":\"" + fed + "\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                + "\"token_type\":\"Bearer\",\"expires_in\":3600}");
    }

    private void generateAccessToken(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        JWTClaimsSet claims = auth == null ? null : federated.get(auth.replaceFirst("^Bearer ", ""));
        if (claims == null) {
            send(ex, 401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}");
            return;
        }
        String principal = member.startsWith("principal://")
                ? member.substring(0, member.indexOf("/subject/") + "/subject/".length()) + claims.getSubject()
                : member.substring(0, member.indexOf("/attribute.trust_domain/") + "/attribute.trust_domain/".length())
                        + claims.getClaim("spiffe_trust_domain");
        if (!path.equals("/v1/projects/-/serviceAccounts/" + serviceAccount + ":generateAccessToken") || !principal.equals(member)) {
            send(ex, 403, "{\"error\":{\"code\":403,\"message\":\"Permission 'iam.serviceAccounts.getAccessToken' denied\","
                    + "\"status\":\"PERMISSION_DENIED\"}}");
            return;
        }
        // generateAccessToken body: {"scope": [...], "lifetime": "3600s"}; scope is required, lifetime at most 1 h
        // without the lifetime-extension organization policy.
        long lifetime;
        try {
            Map<String, Object> body = JSONObjectUtils.parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            List<?> scope = (List<?>) body.get("scope");
            String l = (String) body.getOrDefault("lifetime", "3600s");
            lifetime = Long.parseLong(l.substring(0, l.length() - 1));
            if (scope == null || scope.isEmpty() || !l.endsWith("s") || lifetime < 1 || lifetime > 3600) {
                throw new IllegalArgumentException("scope or lifetime");
            }
            lastLifetimeSeconds = lifetime;
        } catch (Exception e) {
            send(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Request contains an invalid argument.\","
                    + "\"status\":\"INVALID_ARGUMENT\"}}");
            return;
        }
        send(ex, 200, "{\"accessToken\":\"ya29.fake-" + UUID.randomUUID() + "\",\"expireTime\":\""
                + Instant.now().plusSeconds(lifetime).toString() + "\"}");
    }

    /** Evaluates the CEL forms the renderer emits: ==, startsWith(), matches(), joined by || and &&. */
    private boolean celHolds(JWTClaimsSet c) {
        for (String any : condition.split(" \\|\\| ")) {
            boolean all = true;
            for (String term : any.split(" && ")) {
                all &= term(term.trim(), c);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean term(String t, JWTClaimsSet c) {
        String sub = c.getSubject();
        Object td = c.getClaim("spiffe_trust_domain");
        if (t.startsWith("assertion.sub == '")) {
            return sub.equals(lit(t));
        }
        if (t.startsWith("assertion.sub.startsWith('")) {
            return sub.startsWith(lit(t));
        }
        if (t.startsWith("assertion.sub.matches('")) {
            return sub.matches(lit(t).replace("\\\\", "\\"));
        }
        if (t.startsWith("assertion.spiffe_trust_domain == '")) {
            return lit(t).equals(td);
        }
        throw new IllegalArgumentException("CEL form not supported by the fake: " + t);
    }

    private static String lit(String t) {
        return t.substring(t.indexOf('\'') + 1, t.lastIndexOf('\'')).replace("\\'", "'");
    }

    private static void oauthError(HttpExchange ex, String code, String description) throws IOException {
        send(ex, 400, "{\"error\":\"" + code + "\",\"error_description\":\"" + description.replace("\"", "\\\"") + "\"}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        dev.accord.cloud.testing.FakeHttp.send(ex, status, "application/json", body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
