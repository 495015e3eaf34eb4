package dev.accord.cloud.gcp;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GcpTrustRenderer renders the Google side: the workload identity pool provider (OIDC issuer, allowed audiences,
 * attribute mapping with {@code google.subject = assertion.sub} and the trust domain as an attribute, a CEL
 * attribute condition for the mapping's matcher, optionally the JWKS to upload when the issuer is not public) and
 * the {@code roles/iam.workloadIdentityUser} binding on the service account.
 */
public final class GcpTrustRenderer {

    private static final Pattern PROVIDER = Pattern.compile(
            "//iam\\.googleapis\\.com/(projects/\\d+/locations/global/workloadIdentityPools/([a-z0-9-]+))/providers/([a-z0-9-]+)");

    private GcpTrustRenderer() {
    }

    /** The CEL condition that admits exactly the SPIFFE IDs a matcher covers (globs: segment-wise approximation). */
    public static String attributeCondition(String matcherKind, String pattern) {
        String td = pattern.replaceFirst("^spiffe://", "").replaceFirst("/.*$", "");
        return switch (matcherKind) {
            case "exact" -> "assertion.sub == '" + cel(pattern) + "'";
            case "prefix" -> "assertion.sub == '" + cel(pattern) + "' || assertion.sub.startsWith('" + cel(pattern) + "/')";
            case "glob" -> "assertion.spiffe_trust_domain == '" + cel(td) + "' && assertion.sub.matches('"
                    + cel(globRegex(pattern)) + "')";
            default -> throw new IllegalArgumentException("unknown matcher kind " + matcherKind);
        };
    }

    /** Provider settings and the service account binding, as JSON (the gcloud / Terraform field names). */
    public static String render(String issuerUrl, String providerResource, String audience, String serviceAccountEmail,
                                String matcherKind, String pattern, String jwksJson) {
        Matcher m = PROVIDER.matcher(providerResource);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a workload identity provider resource: " + providerResource);
        }
        Map<String, Object> oidc = new LinkedHashMap<>();
        oidc.put("issuerUri", issuerUrl);
        oidc.put("allowedAudiences", List.of(audience));
        if (jwksJson != null) {
            oidc.put("jwksJson", jwksJson);
        }
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("name", providerResource.substring("//iam.googleapis.com/".length()));
        provider.put("oidc", oidc);
        provider.put("attributeMapping", Map.of("google.subject", "assertion.sub",
                "attribute.trust_domain", "assertion.spiffe_trust_domain"));
        provider.put("attributeCondition", attributeCondition(matcherKind, pattern));
        String poolPath = m.group(1);
        String member = "exact".equals(matcherKind)
                ? "principal://iam.googleapis.com/" + poolPath + "/subject/" + pattern
                : "principalSet://iam.googleapis.com/" + poolPath + "/attribute.trust_domain/"
                        + pattern.replaceFirst("^spiffe://", "").replaceFirst("/.*$", "");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workloadIdentityPoolProvider", provider);
        out.put("serviceAccountBinding", Map.of("serviceAccount", serviceAccountEmail,
                "role", "roles/iam.workloadIdentityUser", "member", member));
        return JSONObjectUtils.toJSONString(out);
    }

    private static String globRegex(String glob) {
        StringBuilder b = new StringBuilder("^");
        for (String part : glob.split("(?=\\*)|(?<=\\*)")) {
            b.append(part.equals("*") ? "[^/]*" : Pattern.quote(part).replace("\\Q", "").replace("\\E", "")
                    .replaceAll("([.])", "\\\\$1"));
        }
        return b.append("$").toString().replace("[^/]*[^/]*", ".*");
    }

    private static String cel(String s) {
        return s.replace("\\", "\\\\").replace("'", "\\'");
    }
}
