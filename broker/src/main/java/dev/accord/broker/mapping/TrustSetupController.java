package dev.accord.broker.mapping;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.issuer.IssuerService;
import dev.accord.broker.support.Problems;
import dev.accord.cloud.aws.AwsTrustRenderer;
import dev.accord.cloud.azure.AzureTrustRenderer;
import dev.accord.cloud.gcp.GcpTrustRenderer;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /v1/mappings/{id}/trust-setup}: the cloud-side configuration a mapping needs, rendered by the
 * cloud-adapters (AWS OIDC provider + role trust policy, GCP pool provider + binding, Azure federated identity
 * credential), as JSON and as flat values for the Terraform modules.
 */
@Controller("/v1/mappings")
public class TrustSetupController {

    private final MappingService mappings;
    private final IssuerService issuer;

    TrustSetupController(MappingService mappings, IssuerService issuer) {
        this.mappings = mappings;
        this.issuer = issuer;
    }

    @Get(uri = "/{id}/trust-setup", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> trustSetup(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-id", "Invalid mapping id", "mapping id must be a UUID", null);
        }
        Mapping m = mappings.policy().find(uuid).orElse(null);
        if (m == null) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such mapping", "no mapping with id " + id, null);
        }
        String url = issuer.config().url();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mapping", m.name());
        out.put("cloud", m.target().cloud());
        out.put("issuer", url);
        Map<String, Object> tf = new LinkedHashMap<>();
        tf.put("issuer_url", url);
        try {
            switch (m.target()) {
                case CloudTarget.Aws a -> {
                    AwsTrustRenderer.OidcProvider p = AwsTrustRenderer.provider(url, a.roleArn(), a.audience());
                    String policy = AwsTrustRenderer.trustPolicy(url, a.roleArn(), a.audience(), m.matcher().kind(),
                            m.matcher().pattern());
                    out.put("oidcProvider", Map.of("url", p.url(), "clientIdList", p.clientIds(), "arn", p.arn()));
                    out.put("roleTrustPolicy", JSONObjectUtils.parse(policy));
                    tf.put("client_id_list", p.clientIds());
                    tf.put("role_arn", a.roleArn());
                    tf.put("assume_role_policy", policy);
                }
                case CloudTarget.Gcp g -> {
                    String jwks = JSONObjectUtils.toJSONString(Map.of("keys", issuer.ring().published(issuer.now()).stream()
                            .map(k -> k.publicJwk().toPublicJWK()).map(JWK::toJSONObject).toList()));
                    Map<String, Object> r = JSONObjectUtils.parse(GcpTrustRenderer.render(url, g.providerResource(),
                            g.audience(), g.serviceAccountEmail(), m.matcher().kind(), m.matcher().pattern(), jwks));
                    out.putAll(r);
                    Map<?, ?> provider = (Map<?, ?>) r.get("workloadIdentityPoolProvider");
                    tf.put("provider_name", provider.get("name"));
                    tf.put("attribute_condition", provider.get("attributeCondition"));
                    tf.put("allowed_audiences", List.of(g.audience()));
                    tf.put("service_account_member", ((Map<?, ?>) r.get("serviceAccountBinding")).get("member"));
                    tf.put("jwks_json", jwks);
                }
                case CloudTarget.Azure z -> {
                    long sameApp = mappings.policy().mappings().stream()
                            .filter(x -> x.target() instanceof CloudTarget.Azure a && a.clientId().equalsIgnoreCase(z.clientId()))
                            .count();
                    String fic = AzureTrustRenderer.federatedIdentityCredential(m.name(), url, m.matcher().kind(),
                            m.matcher().pattern(), (int) sameApp);
                    out.put("federatedIdentityCredential", JSONObjectUtils.parse(fic));
                    out.put("application", Map.of("tenantId", z.tenantId(), "clientId", z.clientId()));
                    tf.put("application_client_id", z.clientId());
                    tf.put("subject", m.matcher().pattern());
                    tf.put("audiences", List.of(AzureTrustRenderer.AUDIENCE));
                }
            }
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.CONFLICT, "trust-not-renderable", "Trust setup cannot be rendered", e.getMessage(), null);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        out.put("terraform", tf);
        return HttpResponse.ok(JSONObjectUtils.toJSONString(out)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
