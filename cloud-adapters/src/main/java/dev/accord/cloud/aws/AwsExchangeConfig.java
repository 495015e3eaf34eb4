package dev.accord.cloud.aws;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how to call AWS STS.
 *
 * @param endpoint STS endpoint; null for the SDK default of {@code region} (set it for GovCloud, China, FIPS or
 *                 VPC endpoints)
 * @param region signing/endpoint region, e.g. {@code us-east-1}
 * @param maxAttempts attempts for retryable failures (throttling, IdP communication errors), at least 1
 * @param backoff pause before the first retry; doubled for each further one
 */
public record AwsExchangeConfig(URI endpoint, String region, int maxAttempts, Duration backoff) {

    public AwsExchangeConfig {
        if (region == null || region.isBlank()) {
            region = "us-east-1";
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        backoff = backoff == null ? Duration.ofMillis(200) : backoff;
    }

    public static AwsExchangeConfig defaults() {
        return new AwsExchangeConfig(null, "us-east-1", 3, Duration.ofMillis(200));
    }
}
