package dev.accord.broker.security;

import dev.accord.broker.support.Problems;
import dev.accord.broker.support.RequestFacts;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * Guards the admin API. Public: the SPIFFE bundle endpoints (FED §5: no client authentication), OIDC discovery
 * and JWKS, the token exchange (authenticated by the JWT-SVID), the node feed (authenticated by the node's own
 * token), health, metrics and the OpenAPI document.
 * Everything else under {@code /v1} requires an admin: 401 without a valid credential, 403 for an authenticated
 * identity that is not an admin, both as problem+json.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class AdminSecurityFilter {

    private final AdminAuthenticator authenticator;

    AdminSecurityFilter(AdminAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Reports whether {@code method path} is served without admin authentication. */
    static boolean isPublic(HttpMethod method, String path) {
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (!path.startsWith("/v1/")) {
            // health, metrics, /.well-known/*, /openapi/*: read-only; anything else falls to the router (404).
            return read || method == HttpMethod.OPTIONS;
        }
        if (path.equals("/v1/token")) {
            return method == HttpMethod.POST;
        }
        // The node feed authenticates nodes with their own feed token (NodeFeedController).
        if (read && path.startsWith("/v1/nodes/") && path.endsWith("/config") && path.split("/").length == 5) {
            return true;
        }
        return read && (path.startsWith("/v1/bundles/") || path.startsWith("/v1/federation/"));
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> filter(HttpRequest<?> request) {
        if (isPublic(request.getMethod(), request.getPath())) {
            return null;
        }
        List<X509Certificate> chain = request.getCertificate().filter(X509Certificate.class::isInstance)
                .map(c -> List.of((X509Certificate) c)).orElse(List.of());
        AdminAuthenticator.Outcome o = authenticator.authenticate(request.getHeaders().getAuthorization(), chain);
        return switch (o) {
            case AdminAuthenticator.Outcome.Admin a -> {
                request.setAttribute(RequestFacts.ADMIN_PRINCIPAL, a.principal());
                yield null;
            }
            case AdminAuthenticator.Outcome.Anonymous an -> Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                    "Authentication required", request.getMethod() + " " + request.getPath()
                            + " requires an admin bearer token or an admin X509-SVID", null)
                    .header("WWW-Authenticate", "Bearer realm=\"accord\"");
            case AdminAuthenticator.Outcome.Refused r when r.forbidden() -> Problems.of(HttpStatus.FORBIDDEN, "forbidden",
                    "Not an admin", r.reason(), null);
            case AdminAuthenticator.Outcome.Refused r -> Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated",
                    "Invalid credentials", r.reason(), Map.of()).header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        };
    }
}
