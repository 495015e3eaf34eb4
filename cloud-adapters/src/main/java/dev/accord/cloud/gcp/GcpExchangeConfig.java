package dev.accord.cloud.gcp;

import java.time.Duration;

/**
 * Where to call Google: the STS token endpoint and the IAM Credentials API (override both for private endpoints or
 * other universes), and how often to retry throttled calls.
 *
 * @param stsTokenUrl STS token exchange endpoint
 * @param iamCredentialsUrl IAM Credentials API base URL
 * @param maxAttempts attempts for retryable failures (429, 5xx)
 * @param backoff pause before the first retry; doubled for each further one
 */
public record GcpExchangeConfig(String stsTokenUrl, String iamCredentialsUrl, int maxAttempts, Duration backoff) {

    public GcpExchangeConfig {
        stsTokenUrl = stsTokenUrl == null ? "https://sts.googleapis.com/v1/token" : stsTokenUrl;
        iamCredentialsUrl = iamCredentialsUrl == null ? "https://iamcredentials.googleapis.com" : iamCredentialsUrl;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        backoff = backoff == null ? Duration.ofMillis(200) : backoff;
    }

    public static GcpExchangeConfig defaults() {
        return new GcpExchangeConfig(null, null, 3, Duration.ofMillis(200));
    }
}
