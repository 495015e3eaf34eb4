package dev.accord.cloud.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.IdentityPoolCredentials;
import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.ExchangeException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * GcpExchange swaps a broker-signed token for a Google access token with google-auth-library's workload identity
 * federation client ({@link IdentityPoolCredentials}): STS token exchange at the workload identity pool provider
 * (token-exchange grant, subject token type JWT), then IAM Credentials {@code generateAccessToken} for the mapped
 * service account. Thread-safe.
 */
public final class GcpExchange {

    private final GcpExchangeConfig config;
    private final com.google.auth.http.HttpTransportFactory transport;

    public GcpExchange(GcpExchangeConfig config) {
        this(config, null);
    }

    /** With a given HTTP transport (proxies, private connectivity, or tests); null for google-auth's default. */
    public GcpExchange(GcpExchangeConfig config, com.google.auth.http.HttpTransportFactory transport) {
        this.config = config;
        this.transport = transport;
    }

    /**
     * @param providerResource {@code //iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/R}
     * @throws ExchangeException classified from Google's error
     */
    public CloudCredential.AccessToken exchange(String brokerToken, String providerResource, String serviceAccountEmail,
                                                List<String> scopes) {
        return exchange(brokerToken, providerResource, serviceAccountEmail, scopes, null);
    }

    /**
     * As {@link #exchange(String, String, String, List)}, asking IAM Credentials for an access token of the given
     * lifetime (1 s to 12 h; above 1 h only where the organization policy
     * {@code constraints/iam.allowServiceAccountCredentialLifetimeExtension} allows it), or its default 1 h if null.
     *
     * @throws IllegalArgumentException if the lifetime is outside 1 s to 12 h
     * @throws ExchangeException classified from Google's error
     */
    public CloudCredential.AccessToken exchange(String brokerToken, String providerResource, String serviceAccountEmail,
                                                List<String> scopes, Duration lifetime) {
        IdentityPoolCredentials.Builder builder = IdentityPoolCredentials.newBuilder();
        if (lifetime != null) {
            if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(Duration.ofHours(12)) > 0) {
                throw new IllegalArgumentException("access token lifetime must be between 1 second and 12 hours");
            }
            builder.setServiceAccountImpersonationOptions(Map.of("token_lifetime_seconds", (int) lifetime.toSeconds()));
        }
        if (transport != null) {
            builder.setHttpTransportFactory(transport);
        }
        IdentityPoolCredentials creds = builder
                .setAudience(providerResource)
                .setSubjectTokenType(ExternalAccountCredentials.SubjectTokenTypes.JWT)
                .setTokenUrl(config.stsTokenUrl())
                .setSubjectTokenSupplier(context -> brokerToken)
                .setServiceAccountImpersonationUrl(config.iamCredentialsUrl().replaceAll("/$", "")
                        + "/v1/projects/-/serviceAccounts/" + serviceAccountEmail + ":generateAccessToken")
                .setScopes(scopes)
                .build();
        Duration pause = config.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                AccessToken t = creds.refreshAccessToken();
                if (t == null || t.getTokenValue() == null || t.getExpirationTime() == null) {
                    throw new ExchangeException(ExchangeException.Reason.MALFORMED_RESPONSE, false,
                            "Google answered without an access token", null, null);
                }
                return new CloudCredential.AccessToken(t.getTokenValue(), t.getExpirationTime().toInstant(), null);
            } catch (IOException | RuntimeException e) {
                if (e instanceof ExchangeException x) {
                    throw x;
                }
                ExchangeException x = classify(e);
                if (!x.retryable() || attempt >= config.maxAttempts()) {
                    throw x;
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw x;
                }
                pause = pause.multipliedBy(2);
            }
        }
    }

    /** Maps google-auth's errors (STS OAuth errors, IAM Credentials JSON errors) to broker reasons. */
    static ExchangeException classify(Exception e) {
        // google-auth wraps the STS / IAM error (OAuthException, GoogleJsonResponseException) in IOExceptions.
        String m = ExchangeException.causeChain(e);
        String lower = m.toLowerCase(Locale.ROOT);
        ExchangeException.Reason reason;
        boolean retry = false;
        // An HTTP status, where google-auth kept one (IAM Credentials errors), decides before any text: the error
        // text quotes the request URL, and ":generateAccessToken" contains words such as "rate".
        int status = httpStatus(e);
        if (status == 429 || status >= 500) {
            return new ExchangeException(status == 429 ? ExchangeException.Reason.THROTTLED
                    : ExchangeException.Reason.UNAVAILABLE, true, "Google: " + truncate(m), null, e);
        }
        if (status == 403) {
            return new ExchangeException(ExchangeException.Reason.ACCESS_DENIED, false, "Google: " + truncate(m), null, e);
        }
        // No bare numbers: error texts carry key ids, trace ids and times, in which "429" or "403" occur by chance.
        if (lower.contains("too many requests") || lower.contains("resource_exhausted") || lower.contains("rate_limit")) {
            reason = ExchangeException.Reason.THROTTLED;
            retry = true;
        } else if (lower.contains("attribute condition")) {
            reason = ExchangeException.Reason.CLAIM_REJECTED;
        } else if (lower.contains("expired") || lower.contains("stale")) {
            reason = ExchangeException.Reason.TOKEN_EXPIRED;
        } else if (lower.contains("invalid_grant") || lower.contains("invalid_request") || lower.contains("audience")) {
            reason = ExchangeException.Reason.INVALID_TOKEN;
        } else if (lower.contains("permission")) {
            reason = ExchangeException.Reason.ACCESS_DENIED;
        } else if (lower.contains("unexpected") || lower.contains("parse") || lower.contains("json")
                || lower.contains("expected") || e instanceof IllegalArgumentException) {
            reason = ExchangeException.Reason.MALFORMED_RESPONSE;
        } else {
            reason = ExchangeException.Reason.UNAVAILABLE;
        }
        return new ExchangeException(reason, retry, "Google: " + truncate(m), null, e);
    }

    private static int httpStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.google.api.client.http.HttpResponseException h) {
                return h.getStatusCode();
            }
        }
        return -1;
    }

    private static String truncate(String m) {
        return m.length() > 500 ? m.substring(0, 500) : m;
    }
}
