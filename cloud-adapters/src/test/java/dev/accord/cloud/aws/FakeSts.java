package dev.accord.cloud.aws;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.accord.cloud.testing.OidcTokenValidator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A local AWS STS that speaks the Query API (form POST, XML responses and ErrorResponse documents) for
 * AssumeRoleWithWebIdentity and validates like STS: the token against the OIDC provider (issuer, JWKS, signature,
 * client ID list, expiry), then the role trust policy's StringEquals/StringLike conditions on {@code <key>:aud} and
 * {@code <key>:sub}. Failures can be scripted (throttling, malformed body).
 */
public final class FakeSts implements AutoCloseable {

    private static final Pattern SESSION = Pattern.compile("[\\w+=,.@-]{2,64}");

    private final HttpServer server;
    private volatile String roleArn;
    private volatile String providerKey;
    private volatile Map<String, Object> condition;
    private volatile boolean allowsTagSession;
    private volatile OidcTokenValidator validator;
    private final Deque<String> scripted = new ArrayDeque<>();
    volatile Map<String, String> lastForm = Map.of();
    public volatile JWTClaimsSet lastClaims;

    /** Starts the server; {@link #configure} must be called before it answers. */
    public FakeSts() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public FakeSts(AwsTrustRenderer.OidcProvider provider, String roleArn, String trustPolicy, OidcTokenValidator validator)
            throws Exception {
        this();
        configure(provider, roleArn, trustPolicy, validator);
    }

    /** Installs the IAM side: the OIDC provider, the role and its trust policy (as rendered). */
    @SuppressWarnings("unchecked")
    public void configure(AwsTrustRenderer.OidcProvider provider, String roleArn, String trustPolicy,
                          OidcTokenValidator validator) throws Exception {
        this.roleArn = roleArn;
        this.providerKey = AwsTrustRenderer.providerKey(provider.url());
        Map<String, Object> policy = JSONObjectUtils.parse(trustPolicy);
        Map<String, Object> statement = (Map<String, Object>) ((List<Object>) policy.get("Statement")).getFirst();
        if (!provider.arn().equals(((Map<String, Object>) statement.get("Principal")).get("Federated"))) {
            throw new IllegalArgumentException("trust policy names another provider");
        }
        this.condition = (Map<String, Object>) statement.get("Condition");
        Object action = statement.get("Action");
        this.allowsTagSession = action instanceof List<?> l ? l.contains("sts:TagSession") : "sts:TagSession".equals(action);
        this.validator = validator;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next request answers with this error code (Throttling, …) or "malformed". */
    public void script(String next) {
        scripted.add(next);
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> form = dev.accord.cloud.testing.FakeHttp.form(ex);
        lastForm = form;
        String next = scripted.poll();
        if ("malformed".equals(next)) {
            send(ex, 200, "<html>this is not STS</html>");
            return;
        }
        if (next != null) {
            error(ex, 400, next, "scripted " + next);
            return;
        }
        if (!"AssumeRoleWithWebIdentity".equals(form.get("Action")) || !"2011-06-15".equals(form.get("Version"))) {
            error(ex, 400, "InvalidAction", "unsupported action");
            return;
        }
        if (!roleArn.equals(form.get("RoleArn"))) {
            error(ex, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
            return;
        }
        if (form.get("RoleSessionName") == null || !SESSION.matcher(form.get("RoleSessionName")).matches()) {
            error(ex, 400, "ValidationError", "RoleSessionName does not satisfy [\\w+=,.@-]{2,64}");
            return;
        }
        int duration = Integer.parseInt(form.getOrDefault("DurationSeconds", "3600"));
        if (duration < 900 || duration > 43200) {
            error(ex, 400, "ValidationError", "DurationSeconds out of range");
            return;
        }
        JWTClaimsSet claims;
        try {
            claims = validator.validate(form.getOrDefault("WebIdentityToken", ""));
        } catch (OidcTokenValidator.Rejected r) {
            switch (r.code) {
                case "EXPIRED" -> error(ex, 400, "ExpiredTokenException", "Token is expired");
                case "IDP" -> error(ex, 400, "IDPCommunicationError", r.getMessage());
                default -> error(ex, 400, "InvalidIdentityToken", r.getMessage());
            }
            return;
        }
        lastClaims = claims;
        Map<String, String> ctx = Map.of(providerKey + ":aud", claims.getAudience().getFirst(),
                providerKey + ":sub", claims.getSubject());
        // Session tags in the token need sts:TagSession in the trust policy ("Passing session tags in STS", IAM User Guide).
        if (!conditionsHold(ctx) || (claims.getClaim("https://aws.amazon.com/tags") != null && !allowsTagSession)) {
            error(ex, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
            return;
        }
        String id = UUID.randomUUID().toString();
        String session = form.get("RoleSessionName");
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        send(ex, 200, "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>" + claims.getSubject()
                + "</SubjectFromWebIdentityToken><Audience>" + claims.getAudience().getFirst() + "</Audience>"
                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/" + roleName + "/" + session + "</Arn>"
                + "<AssumedRoleId>AROAFAKE:" + session + "</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><SessionToken>FQoGZXIvYXdzEFAKE" + id + "</SessionToken><SecretAccessKey>secret-" + id
                + "</SecretAccessKey><Expiration>" + Instant.now().plusSeconds(duration).truncatedTo(ChronoUnit.SECONDS)
                + "</Expiration><AccessKeyId>ASIAFAKE" + id.substring(0, 8).toUpperCase() + "</AccessKeyId></Credentials>"
                + "<Provider>" + claims.getIssuer() + "</Provider></AssumeRoleWithWebIdentityResult>"
                + "<ResponseMetadata><RequestId>" + id + "</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>");
    }

    @SuppressWarnings("unchecked")
    private boolean conditionsHold(Map<String, String> ctx) {
        for (Map.Entry<String, Object> op : condition.entrySet()) {
            for (Map.Entry<String, Object> kv : ((Map<String, Object>) op.getValue()).entrySet()) {
                String actual = ctx.get(kv.getKey());
                List<Object> wanted = kv.getValue() instanceof List<?> l ? (List<Object>) l : List.of(kv.getValue());
                boolean any = wanted.stream().anyMatch(w -> switch (op.getKey()) {
                    case "StringEquals" -> w.equals(actual);
                    case "StringLike" -> actual != null && actual.matches(Pattern.quote((String) w)
                            .replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
                    default -> false;
                });
                if (!any) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                + "<Code>" + code + "</Code><Message>" + message.replace("<", "&lt;") + "</Message></Error>"
                + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        dev.accord.cloud.testing.FakeHttp.send(ex, status, "text/xml", body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
