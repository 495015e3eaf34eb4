package dev.accord.cloud.aws;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AwsTrustRenderer renders the IAM side of the trust: the OIDC identity provider for the broker's issuer and the
 * role trust policy that lets exactly the mapped SPIFFE IDs assume the role. Conditions use IAM's OIDC context keys
 * {@code <provider>:aud} and {@code <provider>:sub}, where {@code <provider>} is the issuer URL without
 * {@code https://}.
 */
public final class AwsTrustRenderer {

    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/.+");

    private AwsTrustRenderer() {
    }

    /**
     * The IAM OIDC provider to create ({@code aws iam create-open-id-connect-provider}).
     *
     * @param url the issuer URL
     * @param clientIds the audiences tokens carry
     * @param arn the provider ARN the trust policy names
     */
    public record OidcProvider(String url, List<String> clientIds, String arn) {
    }

    /** The provider key of an issuer URL: host and path, no scheme, no trailing slash. */
    public static String providerKey(String issuerUrl) {
        URI u = URI.create(issuerUrl);
        if (!"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("IAM OIDC providers need an https issuer URL");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/$", "");
        return u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort()) + path;
    }

    public static OidcProvider provider(String issuerUrl, String roleArn, String audience) {
        Matcher m = role(roleArn);
        return new OidcProvider(issuerUrl, List.of(audience),
                "arn:" + m.group(1) + ":iam::" + m.group(2) + ":oidc-provider/" + providerKey(issuerUrl));
    }

    /**
     * The role trust policy (JSON) for a mapping: {@code StringEquals} on aud, and on sub for an exact matcher; for
     * prefix and glob matchers {@code StringLike} with {@code *}. IAM's {@code *} also crosses {@code /}, so for a glob
     * the policy is coarser than the broker's own check, which stays authoritative.
     */
    public static String trustPolicy(String issuerUrl, String roleArn, String audience, String matcherKind, String pattern) {
        String key = providerKey(issuerUrl);
        Map<String, Object> equals = new LinkedHashMap<>();
        equals.put(key + ":aud", audience);
        Map<String, Object> condition = new LinkedHashMap<>();
        switch (matcherKind) {
            case "exact" -> equals.put(key + ":sub", pattern);
            case "prefix" -> condition.put("StringLike", Map.of(key + ":sub", List.of(pattern, pattern + "/*")));
            case "glob" -> condition.put("StringLike", Map.of(key + ":sub", pattern.replace("**", "*")));
            default -> throw new IllegalArgumentException("unknown matcher kind " + matcherKind);
        }
        condition.put("StringEquals", equals);
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("Federated", provider(issuerUrl, roleArn, audience).arn()));
        statement.put("Action", List.of("sts:AssumeRoleWithWebIdentity", "sts:TagSession"));
        statement.put("Condition", condition);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("Version", "2012-10-17");
        policy.put("Statement", List.of(statement));
        return JSONObjectUtils.toJSONString(policy);
    }

    /**
     * The claim that carries session tags in a web identity token ({@code https://aws.amazon.com/tags}, with
     * {@code principal_tags} as lists of values), or an empty map without tags.
     */
    public static Map<String, Object> sessionTagsClaim(Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> principal = new LinkedHashMap<>();
        tags.forEach((k, v) -> principal.put(k, List.of(v)));
        return Map.of("https://aws.amazon.com/tags", Map.of("principal_tags", principal));
    }

    private static Matcher role(String roleArn) {
        Matcher m = ROLE.matcher(roleArn);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an IAM role ARN: " + roleArn);
        }
        return m;
    }
}
