package dev.accord.cloud.gcp;

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
 * The second leg, IAM Credentials {@code generateAccessToken}: a federated principal that the rendered
 * {@code roles/iam.workloadIdentityUser} binding does not cover is refused with PERMISSION_DENIED, which is an
 * ACCESS_DENIED and not retried; the requested token lifetime reaches the {@code lifetime} field.
 */
class GcpServiceAccountTest {

    static final String PROVIDER = GcpExchangeTest.PROVIDER;
    static final String SUB = "spiffe://a.org/payments/api";

    private TestIssuer issuer;
    private FakeGoogle google;
    private GcpExchange exchange;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        google = FakeGoogle.trusting(issuer, PROVIDER, GcpExchangeTest.SA, "exact", SUB, null);
        exchange = new GcpExchange(new GcpExchangeConfig(null, null, 3, Duration.ofMillis(1)), google.transport());
    }

    @AfterEach
    void stop() {
        google.close();
        issuer.close();
    }

    @Test
    void serviceAccountWithoutTheBindingIsAccessDeniedAndNotRetried() {
        String token = issuer.token("ES256", SUB, PROVIDER, Duration.ofMinutes(5), Map.of("spiffe_trust_domain", "a.org"));
        assertThatThrownBy(() -> exchange.exchange(token, PROVIDER, "other@my-project.iam.gserviceaccount.com",
                GcpExchangeTest.SCOPES))
                .isInstanceOfSatisfying(ExchangeException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.ACCESS_DENIED);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void requestedLifetimeReachesGenerateAccessToken() {
        String token = issuer.token("ES256", SUB, PROVIDER, Duration.ofMinutes(5), Map.of("spiffe_trust_domain", "a.org"));
        var t = exchange.exchange(token, PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES, Duration.ofMinutes(15));
        assertThat(google.lastLifetimeSeconds).isEqualTo(900);
        assertThat(t.expiresAt()).isBefore(java.time.Instant.now().plusSeconds(901));
        String token2 = issuer.token("ES256", SUB, PROVIDER, Duration.ofMinutes(5), Map.of("spiffe_trust_domain", "a.org"));
        exchange.exchange(token2, PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES);
        assertThat(google.lastLifetimeSeconds).isEqualTo(3600);
    }

    @Test
    void lifetimeOutsideWhatIamCredentialsAcceptsIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> exchange.exchange("t", PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES, Duration.ofHours(13)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> exchange.exchange("t", PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
