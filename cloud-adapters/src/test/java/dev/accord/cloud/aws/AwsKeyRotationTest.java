package dev.accord.cloud.aws;

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
 * A key rotation between the moment the broker signs a token and the moment STS verifies it: with the overlap the
 * issuer design requires (old key still published) the token is accepted; once the old key has been retired from
 * the JWKS, STS cannot find the token's {@code kid} and answers InvalidIdentityToken. Each test gets a fresh STS,
 * so no JWKS is cached from before the rotation.
 */
class AwsKeyRotationTest {

    static final String ROLE = AwsExchangeTest.ROLE;
    static final String AUD = AwsExchangeTest.AUD;
    static final String SUB = "spiffe://a.org/payments/api";

    private TestIssuer issuer;
    private FakeSts sts;
    private AwsExchange exchange;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        AwsTrustRenderer.OidcProvider provider = AwsTrustRenderer.provider(issuer.url(), ROLE, AUD);
        String policy = AwsTrustRenderer.trustPolicy(issuer.url(), ROLE, AUD, "exact", SUB);
        sts = new FakeSts(provider, ROLE, policy, new OidcTokenValidator(provider.url(), Set.of(AUD), issuer.clientTls()));
        exchange = new AwsExchange(new AwsExchangeConfig(sts.endpoint(), "us-east-1", 1, Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() {
        exchange.close();
        sts.close();
        issuer.close();
    }

    @Test
    void tokenSignedBeforeRotationIsAcceptedWhileTheOldKeyIsStillPublished() throws Exception {
        String token = issuer.token("ES256", SUB, AUD, Duration.ofMinutes(5), Map.of());
        issuer.rotateEs256(false);
        assertThat(exchange.exchange(token, SUB, ROLE, Duration.ofHours(1)).accessKeyId()).startsWith("ASIA");
    }

    @Test
    void tokenSignedWithARetiredKeyIsAnInvalidToken() throws Exception {
        String token = issuer.token("ES256", SUB, AUD, Duration.ofMinutes(5), Map.of());
        issuer.rotateEs256(true);
        assertThatThrownBy(() -> exchange.exchange(token, SUB, ROLE, Duration.ofHours(1)))
                .isInstanceOfSatisfying(ExchangeException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.INVALID_TOKEN);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).doesNotContain(token);
                });
        String fresh = issuer.token("ES256", SUB, AUD, Duration.ofMinutes(5), Map.of());
        assertThat(exchange.exchange(fresh, SUB, ROLE, Duration.ofHours(1)).accessKeyId()).startsWith("ASIA");
    }
}
