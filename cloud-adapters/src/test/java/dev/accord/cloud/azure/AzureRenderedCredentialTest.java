package dev.accord.cloud.azure;

import dev.accord.cloud.ExchangeException;
import dev.accord.cloud.testing.OidcTokenValidator;
import dev.accord.cloud.testing.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Entra matches the assertion against the federated identity credential as stored: a credential rendered for
 * another issuer URL (e.g. with a trailing slash, which Entra compares exactly) does not match the broker's
 * tokens, while the credential rendered for the broker's issuer does.
 */
class AzureRenderedCredentialTest {

    static final String SUB = AzureExchangeTest.SUB;

    private TestIssuer issuer;
    private FakeEntra entra;
    private AzureExchange exchange;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        entra = new FakeEntra(AzureExchangeTest.TENANT, AzureExchangeTest.CLIENT);
        exchange = new AzureExchange(AzureExchangeConfig.defaults(), entra.client());
    }

    @AfterEach
    void stop() {
        entra.close();
        issuer.close();
    }

    private void install(String issuerUrl) throws Exception {
        entra.configure(AzureTrustRenderer.federatedIdentityCredential("payments", issuerUrl, "exact", SUB, 1),
                new OidcTokenValidator(issuer.url(), Set.of(AzureTrustRenderer.AUDIENCE), issuer.clientTls()));
    }

    private String token() {
        return issuer.token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5), Map.of());
    }

    @Test
    void credentialRenderedForTheBrokerIssuerMatches() throws Exception {
        install(issuer.url());
        assertThat(exchange.exchange(token(), AzureExchangeTest.TENANT, AzureExchangeTest.CLIENT, AzureExchangeTest.SCOPE)
                .token()).isNotBlank();
    }

    @Test
    void credentialRenderedForAnotherIssuerSpellingDoesNotMatch() throws Exception {
        install(issuer.url() + "/");
        assertThatThrownBy(() -> exchange.exchange(token(), AzureExchangeTest.TENANT, AzureExchangeTest.CLIENT,
                AzureExchangeTest.SCOPE))
                .isInstanceOfSatisfying(ExchangeException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.CLAIM_REJECTED));
    }
}
