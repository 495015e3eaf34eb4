package dev.accord.cloud.azure;

import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.ExchangeException;
import dev.accord.cloud.testing.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * azure-identity's ClientAssertionCredential (with MSAL inside) against a local Entra token endpoint that validates
 * the broker token against the federated identity credential {@link AzureTrustRenderer} rendered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureExchangeTest {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT = "11111111-2222-3333-4444-555555555555";
    static final String SCOPE = "https://graph.microsoft.com/.default";
    static final String SUB = "spiffe://a.org/payments/api";

    private TestIssuer issuer;
    private FakeEntra entra;
    private AzureExchange exchange;

    @BeforeAll
    void start() throws Exception {
        issuer = new TestIssuer();
        entra = FakeEntra.trusting(TENANT, CLIENT, issuer, SUB);
        exchange = new AzureExchange(AzureExchangeConfig.defaults(), entra.client());
    }

    @AfterAll
    void stop() {
        entra.close();
        issuer.close();
    }

    private String token(String alg, String sub, String aud, Duration ttl) {
        return issuer.token(alg, sub, aud, ttl, Map.of());
    }

    private void refused(String token, ExchangeException.Reason reason) {
        assertThatThrownBy(() -> exchange.exchange(token, TENANT, CLIENT, SCOPE)).isInstanceOf(ExchangeException.class)
                .satisfies(e -> assertThat(((ExchangeException) e).reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void clientAssertionBecomesAnEntraAccessToken() {
        CloudCredential.AccessToken t = exchange.exchange(token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)),
                TENANT, CLIENT, SCOPE);
        assertThat(t.token()).startsWith("eyJ0eXAi.entra-");
        assertThat(t.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
    }

    @Test
    void subjectAudienceExpiryAndAlgorithmAreCheckedLikeEntra() {
        refused(token("RS256", "spiffe://a.org/payments/other", AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)),
                ExchangeException.Reason.CLAIM_REJECTED);
        refused(token("RS256", SUB, "sts.amazonaws.com", Duration.ofMinutes(5)), ExchangeException.Reason.CLAIM_REJECTED);
        refused(token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofSeconds(-60)), ExchangeException.Reason.TOKEN_EXPIRED);
        refused(token("ES256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)), ExchangeException.Reason.INVALID_TOKEN);
    }

    @Test
    void keyRotatedBetweenIssueAndVerifyStillVerifies() throws Exception {
        exchange.exchange(token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)), TENANT, CLIENT, SCOPE);
        issuer.rotateRs256(false);
        assertThat(exchange.exchange(token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)), TENANT, CLIENT, SCOPE)
                .token()).startsWith("eyJ0eXAi.entra-");
    }

    @Test
    void throttlingIsRetriedByTheSdkAndMalformedResponsesAreReported() {
        entra.script("throttle");
        assertThat(exchange.exchange(token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)), TENANT, CLIENT, SCOPE)
                .token()).startsWith("eyJ0eXAi.entra-");
        entra.script("malformed");
        assertThatThrownBy(() -> exchange.exchange(token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5)),
                TENANT, CLIENT, SCOPE)).isInstanceOf(ExchangeException.class);
    }

    @Test
    void onlyExactMatchersAndTwentyCredentialsPerAppCanBeRendered() {
        assertThat(AzureTrustRenderer.federatedIdentityCredential("m", "https://broker.example", "exact", SUB, 20))
                .contains("\"subject\":\"" + SUB + "\"").contains("api://AzureADTokenExchange")
                .contains("\"issuer\":\"https://broker.example\"");
        assertThatThrownBy(() -> AzureTrustRenderer.federatedIdentityCredential("m", "https://b", "prefix", SUB, 1))
                .hasMessageContaining("exactly");
        assertThatThrownBy(() -> AzureTrustRenderer.federatedIdentityCredential("m", "https://b", "exact", SUB, 21))
                .hasMessageContaining("20");
    }
}
