package dev.accord.cloud.azure;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.accord.cloud.testing.OidcTokenValidator;
import dev.accord.cloud.testing.TestIssuer;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.TestCa;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A local Entra ID v2.0 token endpoint ({@code POST /{tenant}/oauth2/v2.0/token}) for the client-credentials flow
 * with a client assertion, validating it as Entra does against the app's federated identity credential (issuer,
 * exact subject, audience {@code api://AzureADTokenExchange}, RS256 signature from the issuer's JWKS, expiry) and
 * answering with AADSTS error codes.
 */
public final class FakeEntra implements AutoCloseable {

    private final TestCa ca = TestCa.create("entra.test");
    private final HttpsServer server;
    private final String tenant;
    private final String clientId;
    private volatile Map<String, Object> fic;
    private volatile OidcTokenValidator validator;
    private final Deque<String> scripted = new ArrayDeque<>();

    public FakeEntra(String tenant, String clientId, String ficJson, OidcTokenValidator validator) throws Exception {
        this(tenant, clientId);
        configure(ficJson, validator);
    }

    /** Installs the app's federated identity credential (as rendered) and the issuer validation. */
    public void configure(String ficJson, OidcTokenValidator validator) throws Exception {
        this.fic = JSONObjectUtils.parse(ficJson);
        // Entra matches the assertion against the stored credential: its issuer (exact) and its audiences.
        @SuppressWarnings("unchecked")
        java.util.List<String> audiences = (java.util.List<String>) fic.get("audiences");
        this.validator = validator.forProvider((String) fic.get("issuer"), java.util.Set.copyOf(audiences), null);
    }

    /**
     * An Entra app whose federated identity credential is what {@link AzureTrustRenderer} renders for
     * {@code issuer} and the exact subject {@code sub}, validating assertions as Entra does.
     */
    public static FakeEntra trusting(String tenant, String clientId, TestIssuer issuer, String sub) throws Exception {
        String fic = AzureTrustRenderer.federatedIdentityCredential("payments", issuer.url(), "exact", sub, 1);
        return new FakeEntra(tenant, clientId, fic, new OidcTokenValidator(issuer.url(),
                java.util.Set.of(AzureTrustRenderer.AUDIENCE), issuer.clientTls()));
    }

    public FakeEntra(String tenant, String clientId) throws Exception {
        this.tenant = tenant;
        this.clientId = clientId;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.issueSvid(CertSpec.server("login.microsoftonline.com")
                .ipAddresses("127.0.0.1")).serverSslContext()));
        server.createContext("/", this::handle);
        server.start();
    }

    public void script(String s) {
        scripted.add(s);
    }

    /** An azure-core HTTP client that sends login.microsoftonline.com traffic here. */
    public JdkAzureHttpClient client() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca.rootCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        int port = server.getAddress().getPort();
        return new JdkAzureHttpClient(ssl, u -> URI.create("https://127.0.0.1:" + port + u.getRawPath()
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())));
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> f = dev.accord.cloud.testing.FakeHttp.form(ex);
        String next = scripted.poll();
        if ("throttle".equals(next)) {
            aadsts(ex, 429, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.");
            return;
        }
        if ("malformed".equals(next)) {
            send(ex, 200, "{\"token_type\":\"Bearer\",\"access_token\":");
            return;
        }
        if (!ex.getRequestURI().getPath().equals("/" + tenant + "/oauth2/v2.0/token")) {
            aadsts(ex, 400, "invalid_request", 90002, "Tenant not found.");
            return;
        }
        if (!"client_credentials".equals(f.get("grant_type")) || !clientId.equals(f.get("client_id"))
                || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(f.get("client_assertion_type"))) {
            aadsts(ex, 400, "invalid_request", 900144, "The request body must contain the client assertion for this app.");
            return;
        }
        String assertion = f.getOrDefault("client_assertion", "");
        try {
            if (!"RS256".equals(SignedJWT.parse(assertion).getHeader().getAlgorithm().getName())) {
                aadsts(ex, 401, "invalid_client", 5002738, "Invalid JWT token. 'ES256' is not a supported signature algorithm.");
                return;
            }
        } catch (java.text.ParseException e) {
            aadsts(ex, 401, "invalid_client", 50027, "JWT token is invalid or malformed.");
            return;
        }
        JWTClaimsSet claims;
        try {
            claims = validator.validate(assertion);
        } catch (OidcTokenValidator.Rejected r) {
            switch (r.code) {
                case "EXPIRED" -> aadsts(ex, 400, "invalid_client", 700024, "Client assertion is not within its valid time range.");
                case "AUDIENCE" -> aadsts(ex, 400, "invalid_client", 70021, "No matching federated identity record found for presented assertion audience.");
                // A kid missing from the JWKS (retired key) or a bad signature is a signature failure, not an issuer mismatch.
                case "INVALID_TOKEN" -> {
                    if (r.getMessage().startsWith("no OpenID Connect provider")) {
                        aadsts(ex, 400, "invalid_client", 700211, "No matching federated identity record found for presented assertion issuer.");
                    } else {
                        aadsts(ex, 401, "invalid_client", 700027, "Client assertion failed signature validation.");
                    }
                }
                default -> aadsts(ex, 400, "invalid_client", 700211, "No matching federated identity record found for presented assertion issuer.");
            }
            return;
        }
        if (!fic.get("subject").equals(claims.getSubject())) {
            aadsts(ex, 400, "invalid_client", 70021, "No matching federated identity record found for presented assertion subject '"
                    + claims.getSubject() + "'.");
            return;
        }
        send(ex, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"eyJ0eXAi.entra-"
                + UUID.randomUUID() + "\"}");
    }

    private static void aadsts(HttpExchange ex, int status, String error, int code, String text) throws IOException {
        send(ex, status, "{\"error\":\"" + error + "\",\"error_description\":\"AADSTS" + code + ": " + text.replace("\"", "'")
                + "\",\"error_codes\":[" + code + "],\"timestamp\":\"" + Instant.now() + "\",\"trace_id\":\"" + UUID.randomUUID()
                + "\",\"correlation_id\":\"" + UUID.randomUUID() + "\"}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        dev.accord.cloud.testing.FakeHttp.send(ex, status, "application/json; charset=utf-8", body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
