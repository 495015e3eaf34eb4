package dev.accord.cloud.gcp;

import dev.accord.cloud.ExchangeException;
import dev.accord.cloud.testing.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key rotation between signing and Google STS verification: accepted while the old key is still published,
 * rejected once it has been retired (STS cannot find the {@code kid}). Fresh STS per test: no cached JWKS.
 */
class GcpKeyRotationTest {

    static final String PROVIDER = GcpExchangeTest.PROVIDER;
    static final String SA = GcpExchangeTest.SA;
    static final List<String> SCOPES = GcpExchangeTest.SCOPES;
    static final String SUB = "spiffe://a.org/payments/api";

    private TestIssuer issuer;
    private FakeGoogle google;
    private GcpExchange exchange;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        google = FakeGoogle.trusting(issuer, PROVIDER, SA, "prefix", "spiffe://a.org/payments", null);
        exchange = new GcpExchange(new GcpExchangeConfig(null, null, 1, Duration.ofMillis(1)), google.transport());
    }

    @AfterEach
    void stop() {
        google.close();
        issuer.close();
    }

    private String token() {
        return issuer.token("ES256", SUB, PROVIDER, Duration.ofMinutes(5), Map.of("spiffe_trust_domain", "a.org"));
    }

    @Test
    void tokenSignedBeforeRotationIsAcceptedWhileTheOldKeyIsStillPublished() throws Exception {
        String token = token();
        issuer.rotateEs256(false);
        assertThat(exchange.exchange(token, PROVIDER, SA, SCOPES).token()).isNotBlank();
    }

    @Test
    void tokenSignedWithARetiredKeyIsAnInvalidToken() throws Exception {
        String token = token();
        issuer.rotateEs256(true);
        assertThatThrownBy(() -> exchange.exchange(token, PROVIDER, SA, SCOPES))
                .isInstanceOfSatisfying(ExchangeException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.INVALID_TOKEN);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).doesNotContain(token);
                });
        assertThat(exchange.exchange(token(), PROVIDER, SA, SCOPES).token()).isNotBlank();
    }
}
