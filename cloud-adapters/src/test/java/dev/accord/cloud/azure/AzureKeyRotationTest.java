package dev.accord.cloud.azure;

import dev.accord.cloud.ExchangeException;
import dev.accord.cloud.testing.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key rotation between signing and Entra verification of the client assertion: accepted while the old key is
 * still published, rejected once it has been retired. Fresh Entra per test: no cached JWKS.
 */
class AzureKeyRotationTest {

    static final String TENANT = AzureExchangeTest.TENANT;
    static final String CLIENT = AzureExchangeTest.CLIENT;
    static final String SCOPE = AzureExchangeTest.SCOPE;
    static final String SUB = AzureExchangeTest.SUB;

    private TestIssuer issuer;
    private FakeEntra entra;
    private AzureExchange exchange;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        entra = FakeEntra.trusting(TENANT, CLIENT, issuer, SUB);
        exchange = new AzureExchange(AzureExchangeConfig.defaults(), entra.client());
    }

    @AfterEach
    void stop() {
        entra.close();
        issuer.close();
    }

    private String token() {
        return issuer.token("RS256", SUB, AzureTrustRenderer.AUDIENCE, Duration.ofMinutes(5), Map.of());
    }

    @Test
    void assertionSignedBeforeRotationIsAcceptedWhileTheOldKeyIsStillPublished() throws Exception {
        String token = token();
        issuer.rotateRs256(false);
        assertThat(exchange.exchange(token, TENANT, CLIENT, SCOPE).token()).isNotBlank();
    }

    @Test
    void assertionSignedWithARetiredKeyIsAnInvalidToken() throws Exception {
        String token = token();
        issuer.rotateRs256(true);
        assertThatThrownBy(() -> exchange.exchange(token, TENANT, CLIENT, SCOPE))
                .isInstanceOfSatisfying(ExchangeException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.INVALID_TOKEN);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).doesNotContain(token);
                });
        assertThat(exchange.exchange(token(), TENANT, CLIENT, SCOPE).token()).isNotBlank();
    }
}
