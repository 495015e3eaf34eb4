package dev.accord.cloud.gcp;

import dev.accord.cloud.ExchangeException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Error texts quote key ids and URLs; classification must not read numbers or words inside them. */
class GcpErrorClassificationTest {

    @Test
    void keyIdContainingDigitsOfAStatusIsStillAnInvalidToken() {
        ExchangeException x = GcpExchange.classify(new IOException(
                "Error code invalid_grant: Invalid ID Token: no key es-4290-4035-5031 in the issuer's JWKS"));
        assertThat(x.reason()).isEqualTo(ExchangeException.Reason.INVALID_TOKEN);
        assertThat(x.retryable()).isFalse();
    }

    @Test
    void generateAccessTokenInTheMessageIsNotThrottling() {
        ExchangeException x = GcpExchange.classify(new IOException("Error requesting access token: POST "
                + "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken"));
        assertThat(x.reason()).isNotEqualTo(ExchangeException.Reason.THROTTLED);
        assertThat(x.retryable()).isFalse();
    }

    @Test
    void rateLimitErrorCodeIsRetryableThrottling() {
        ExchangeException x = GcpExchange.classify(new IOException("Error code rate_limit_exceeded: Too many requests"));
        assertThat(x.reason()).isEqualTo(ExchangeException.Reason.THROTTLED);
        assertThat(x.retryable()).isTrue();
    }
}
