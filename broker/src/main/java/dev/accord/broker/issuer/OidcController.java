package dev.accord.broker.issuer;

import com.nimbusds.jose.jwk.JWK;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the broker as an OpenID Connect issuer for the clouds' workload identity federation: the discovery
 * document (OpenID Connect Discovery 1.0 §3-§4) and the JWKS it points at. AWS IAM, GCP workload identity pools
 * and Entra ID fetch both over https; both are public and built from memory.
 */
@Controller
public class OidcController {

    /** Claims the broker puts in its tokens. */
    static final List<String> CLAIMS = List.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "cnf",
            "spiffe_trust_domain");

    private final IssuerService issuer;

    OidcController(IssuerService issuer) {
        this.issuer = issuer;
    }

    @Get(uri = "/.well-known/openid-configuration", produces = MediaType.APPLICATION_JSON)
    HttpResponse<String> discovery() {
        String url = stripSlash(issuer.config().url());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", url);
        doc.put("jwks_uri", url + "/.well-known/jwks.json");
        // No authorization_endpoint: the broker runs no browser flow. Like the Kubernetes service-account issuer,
        // it publishes what workload identity federation reads (issuer, jwks_uri, algorithms); the token
        // endpoint is the RFC 8693 exchange workloads call.
        doc.put("token_endpoint", url + "/v1/token");
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", issuer.config().algorithms());
        doc.put("claims_supported", CLAIMS);
        doc.put("grant_types_supported", List.of("urn:ietf:params:oauth:grant-type:token-exchange"));
        doc.put("dpop_signing_alg_values_supported", List.of("ES256", "ES384", "ES512", "RS256", "PS256"));
        return HttpResponse.ok(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(doc))
                .header("Cache-Control", "public, max-age=300");
    }

    @Get(uri = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON)
    HttpResponse<String> jwks() {
        List<Map<String, Object>> keys = issuer.ring().published(issuer.now()).stream()
                .map(k -> k.publicJwk().toPublicJWK()).map(JWK::toJSONObject).toList();
        // Short cache: a next key must reach verifiers well within the pre-publish period.
        return HttpResponse.ok(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(Map.of("keys", keys)))
                .header("Cache-Control", "public, max-age=60");
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
