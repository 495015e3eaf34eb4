package dev.accord.broker.mapping;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * CloudTarget is what a mapping grants: an AWS role, a GCP service account through a workload identity
 * provider, or an Azure (Entra ID) application. Each validates the cloud's own format rules, and names itself
 * with {@link #resource()}, the value a workload passes as {@code resource} in the token exchange.
 */
public sealed interface CloudTarget {

    /** {@code aws}, {@code gcp} or {@code azure}. */
    String cloud();

    /** The identifier a token request names in its {@code resource} parameter. */
    String resource();

    /** The {@code aud} of the broker token the cloud expects. */
    String audience();

    /**
     * An IAM role assumed with {@code AssumeRoleWithWebIdentity}.
     *
     * @param roleArn {@code arn:<partition>:iam::<12-digit account>:role/<path/name>}
     * @param sessionDuration 15 min … 12 h (the STS DurationSeconds range)
     * @param sessionTags at most 50 tags; keys ≤ 128, values ≤ 256 characters (IAM tag rules)
     * @param audience the OIDC provider's client ID list entry, {@code sts.amazonaws.com} by default
     */
    record Aws(String roleArn, Duration sessionDuration, Map<String, String> sessionTags, String audience)
            implements CloudTarget {

        private static final Pattern ARN = Pattern.compile(
                "arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
        private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

        public Aws {
            require(roleArn != null && ARN.matcher(roleArn).matches(), "target.roleArn",
                    "roleArn must look like arn:aws:iam::123456789012:role/name");
            sessionDuration = sessionDuration == null ? Duration.ofHours(1) : sessionDuration;
            require(!sessionDuration.minusMinutes(15).isNegative() && sessionDuration.compareTo(Duration.ofHours(12)) <= 0,
                    "target.sessionDurationSeconds", "sessionDurationSeconds must be between 900 and 43200");
            sessionTags = sessionTags == null ? Map.of() : Map.copyOf(sessionTags);
            require(sessionTags.size() <= 50, "target.sessionTags", "at most 50 session tags are allowed");
            sessionTags.forEach((k, v) -> require(!k.isEmpty() && k.length() <= 128 && TAG.matcher(k).matches()
                    && !k.toLowerCase().startsWith("aws:") && v.length() <= 256 && TAG.matcher(v).matches(),
                    "target.sessionTags", "session tag \"" + k + "\" breaks the IAM tag rules"));
            audience = audience == null || audience.isBlank() ? "sts.amazonaws.com" : audience;
        }

        @Override public String cloud() { return "aws"; }
        @Override public String resource() { return roleArn; }
    }

    /**
     * A service account impersonated after a GCP STS exchange at a workload identity pool provider.
     *
     * @param providerResource {@code //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>}
     * @param serviceAccountEmail the account to impersonate
     * @param scopes OAuth scopes of the access token, {@code cloud-platform} by default
     */
    record Gcp(String providerResource, String serviceAccountEmail, List<String> scopes) implements CloudTarget {

        private static final Pattern PROVIDER = Pattern.compile("//iam\\.googleapis\\.com/projects/\\d{1,20}/locations/global/"
                + "workloadIdentityPools/[a-z0-9-]{4,32}/providers/[a-z0-9-]{4,32}");
        private static final Pattern EMAIL = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]"
                + "\\.iam\\.gserviceaccount\\.com");

        public Gcp {
            require(providerResource != null && PROVIDER.matcher(providerResource).matches(), "target.providerResource",
                    "providerResource must be //iam.googleapis.com/projects/<number>/locations/global/"
                            + "workloadIdentityPools/<pool>/providers/<provider>");
            require(serviceAccountEmail != null && EMAIL.matcher(serviceAccountEmail).matches(),
                    "target.serviceAccountEmail", "serviceAccountEmail must be <name>@<project>.iam.gserviceaccount.com");
            scopes = scopes == null || scopes.isEmpty()
                    ? List.of("https://www.googleapis.com/auth/cloud-platform") : List.copyOf(scopes);
            scopes.forEach(s -> require(s.startsWith("https://www.googleapis.com/auth/") && !s.contains(" "),
                    "target.scopes", "scope \"" + s + "\" is not a Google OAuth scope URL"));
        }

        @Override public String cloud() { return "gcp"; }
        @Override public String resource() { return "//iam.googleapis.com/projects/-/serviceAccounts/" + serviceAccountEmail; }
        @Override public String audience() { return providerResource; }
    }

    /**
     * An Entra ID application reached through a federated identity credential.
     *
     * @param tenantId directory (tenant) ID, a GUID
     * @param clientId application (client) ID, a GUID
     * @param scope the resource scope, e.g. {@code https://graph.microsoft.com/.default}
     */
    record Azure(String tenantId, String clientId, String scope) implements CloudTarget {

        private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

        public Azure {
            require(tenantId != null && GUID.matcher(tenantId).matches(), "target.tenantId", "tenantId must be a GUID");
            require(clientId != null && GUID.matcher(clientId).matches(), "target.clientId", "clientId must be a GUID");
            require(scope != null && scope.endsWith("/.default") && !scope.contains(" "), "target.scope",
                    "scope must be a single <resource>/.default scope (client-credentials flow)");
        }

        @Override public String cloud() { return "azure"; }
        @Override public String resource() { return "azure://" + tenantId.toLowerCase() + "/" + clientId.toLowerCase(); }
        @Override public String audience() { return "api://AzureADTokenExchange"; }
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new MappingException(field, message);
        }
    }

    /** Returns {@code v} if not null. */
    static <T> T nonNull(T v, String field) {
        require(v != null, field, field + " is required");
        return Objects.requireNonNull(v);
    }
}
