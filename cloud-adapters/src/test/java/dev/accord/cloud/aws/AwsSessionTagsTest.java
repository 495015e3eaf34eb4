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
 * Session tags travel in the token's {@code https://aws.amazon.com/tags} claim, and STS accepts them only when the
 * role's trust policy also allows {@code sts:TagSession}: the rendered policy must, and a policy without it must
 * not, let a tagged token through.
 */
class AwsSessionTagsTest {

    static final String ROLE = AwsExchangeTest.ROLE;
    static final String AUD = AwsExchangeTest.AUD;
    static final String SUB = "spiffe://a.org/payments/api";

    private TestIssuer issuer;
    private FakeSts sts;
    private AwsExchange exchange;
    private AwsTrustRenderer.OidcProvider provider;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        provider = AwsTrustRenderer.provider(issuer.url(), ROLE, AUD);
        sts = new FakeSts();
        exchange = new AwsExchange(new AwsExchangeConfig(sts.endpoint(), "us-east-1", 1, Duration.ofMillis(1)));
    }

    @AfterEach
    void stop() {
        exchange.close();
        sts.close();
        issuer.close();
    }

    private void policy(String json) throws Exception {
        sts.configure(provider, ROLE, json, new OidcTokenValidator(provider.url(), Set.of(AUD), issuer.clientTls()));
    }

    private String taggedToken() {
        return issuer.token("ES256", SUB, AUD, Duration.ofMinutes(5),
                AwsTrustRenderer.sessionTagsClaim(Map.of("team", "payments", "env", "prod")));
    }

    @Test
    void taggedTokenIsAcceptedUnderTheRenderedPolicy() throws Exception {
        policy(AwsTrustRenderer.trustPolicy(issuer.url(), ROLE, AUD, "exact", SUB));
        assertThat(exchange.exchange(taggedToken(), SUB, ROLE, Duration.ofHours(1)).accessKeyId()).startsWith("ASIA");
        @SuppressWarnings("unchecked")
        Map<String, Object> tags = (Map<String, Object>) sts.lastClaims.getClaim("https://aws.amazon.com/tags");
        assertThat(tags).containsKey("principal_tags");
    }

    @Test
    void taggedTokenIsDeniedWhenThePolicyLacksTagSession() throws Exception {
        String rendered = AwsTrustRenderer.trustPolicy(issuer.url(), ROLE, AUD, "exact", SUB);
        String withoutTagSession = rendered.replace(",\"sts:TagSession\"", "");
        assertThat(withoutTagSession).isNotEqualTo(rendered);
        policy(withoutTagSession);
        assertThatThrownBy(() -> exchange.exchange(taggedToken(), SUB, ROLE, Duration.ofHours(1)))
                .isInstanceOfSatisfying(ExchangeException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.ACCESS_DENIED));
        // The same policy still admits an untagged token.
        assertThat(exchange.exchange(issuer.token("ES256", SUB, AUD, Duration.ofMinutes(5), Map.of()), SUB, ROLE,
                Duration.ofHours(1)).accessKeyId()).startsWith("ASIA");
    }
}
