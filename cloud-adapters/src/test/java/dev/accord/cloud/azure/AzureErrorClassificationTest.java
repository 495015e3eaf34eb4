package dev.accord.cloud.azure;

import com.microsoft.aad.msal4j.MsalServiceException;
import dev.accord.cloud.ExchangeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Entra error descriptions carry trace ids and timestamps; only codes and the HTTP status classify. */
class AzureErrorClassificationTest {

    @Test
    void signatureFailureWithA429InsideTheTraceIdIsAnInvalidToken() {
        ExchangeException x = AzureExchange.classify(new RuntimeException(new MsalServiceException(
                "AADSTS700027: Client assertion failed signature validation. Trace ID: 0f4e4290-1111-2222-3333-444455556666 "
                        + "Timestamp: 2026-11-24 07:42:9Z", "invalid_client")));
        assertThat(x.reason()).isEqualTo(ExchangeException.Reason.INVALID_TOKEN);
        assertThat(x.retryable()).isFalse();
    }

    @Test
    void noMatchingFederatedCredentialIsAClaimRejection() {
        ExchangeException x = AzureExchange.classify(new RuntimeException(new MsalServiceException(
                "AADSTS70021: No matching federated identity record found for presented assertion.", "invalid_client")));
        assertThat(x.reason()).isEqualTo(ExchangeException.Reason.CLAIM_REJECTED);
    }
}
