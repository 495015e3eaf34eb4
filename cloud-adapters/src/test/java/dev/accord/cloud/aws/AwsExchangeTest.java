package dev.accord.cloud.aws;

import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.ExchangeException;
import dev.accord.cloud.testing.OidcTokenValidator;
import dev.accord.cloud.testing.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official AWS SDK STS client against a local STS that validates the broker token like AWS and applies the
 * trust policy rendered by {@link AwsTrustRenderer}: so the rendered trust and the issued token must agree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsExchangeTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/payments";
    static final String AUD = "sts.amazonaws.com";

    private TestIssuer issuer;
    private FakeSts sts;
    private OidcTokenValidator validator;
    private AwsExchange exchange;

    @BeforeAll
    void start() throws Exception {
        issuer = new TestIssuer();
        AwsTrustRenderer.OidcProvider provider = AwsTrustRenderer.provider(issuer.url(), ROLE, AUD);
        String policy = AwsTrustRenderer.trustPolicy(issuer.url(), ROLE, AUD, "prefix", "spiffe://a.org/payments");
        validator = new OidcTokenValidator(provider.url(), Set.copyOf(provider.clientIds()), issuer.clientTls());
        sts = new FakeSts(provider, ROLE, policy, validator);
        exchange = new AwsExchange(new AwsExchangeConfig(sts.endpoint(), "us-east-1", 3, Duration.ofMillis(20)));
    }

    @AfterAll
    void stop() {
        exchange.close();
        sts.close();
        issuer.close();
    }

    private String token(String sub, String aud, Duration ttl) {
        return issuer.token("ES256", sub, aud, ttl, Map.of());
    }

    private void refused(String token, ExchangeException.Reason reason) {
        assertThatThrownBy(() -> exchange.exchange(token, "spiffe://a.org/payments/api", ROLE, Duration.ofHours(1)))
                .isInstanceOf(ExchangeException.class)
                .satisfies(e -> {
                    ExchangeException x = (ExchangeException) e;
                    assertThat(x.reason()).as(x.getMessage()).isEqualTo(reason);
                    assertThat(x.requestId()).isNotBlank();
                    assertThat(x.getMessage()).doesNotContain(token);
                });
    }

    @Test
    void exchangesATokenTheTrustPolicyAllows() {
        CloudCredential.Aws c = exchange.exchange(token("spiffe://a.org/payments/api", AUD, Duration.ofMinutes(5)),
                "spiffe://a.org/payments/api", ROLE, Duration.ofMinutes(30));
        assertThat(c.accessKeyId()).startsWith("ASIA");
        assertThat(c.secretAccessKey()).isNotBlank();
        assertThat(c.sessionToken()).isNotBlank();
        assertThat(c.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(1700));
        assertThat(c.assumedRoleArn()).contains("assumed-role/payments/");
        assertThat(c.requestId()).isNotBlank();
        assertThat(c.toString()).doesNotContain(c.secretAccessKey()).doesNotContain(c.sessionToken());
        assertThat(sts.lastForm.get("RoleSessionName")).isEqualTo(AwsExchange.sessionName("spiffe://a.org/payments/api"));
        assertThat(sts.lastForm.get("DurationSeconds")).isEqualTo("1800");
        // The prefix matcher covers the prefix itself too.
        exchange.exchange(token("spiffe://a.org/payments", AUD, Duration.ofMinutes(5)), "spiffe://a.org/payments", ROLE,
                Duration.ofHours(1));
    }

    @Test
    void subNotAllowedByTheTrustPolicyIsDenied() {
        refused(token("spiffe://a.org/web", AUD, Duration.ofMinutes(5)), ExchangeException.Reason.ACCESS_DENIED);
        refused(token("spiffe://a.org/paymentsx", AUD, Duration.ofMinutes(5)), ExchangeException.Reason.ACCESS_DENIED);
    }

    @Test
    void wrongAudienceExpiredAndForeignTokensAreRejected() {
        refused(token("spiffe://a.org/payments/api", "api://AzureADTokenExchange", Duration.ofMinutes(5)),
                ExchangeException.Reason.INVALID_TOKEN);
        refused(token("spiffe://a.org/payments/api", AUD, Duration.ofSeconds(-30)), ExchangeException.Reason.TOKEN_EXPIRED);
        refused("not.a.jwt", ExchangeException.Reason.INVALID_TOKEN);
    }

    @Test
    void keyRotatedBetweenIssueAndVerifyIsFoundByRefetchingTheJwks() throws Exception {
        exchange.exchange(token("spiffe://a.org/payments/api", AUD, Duration.ofMinutes(5)), "spiffe://a.org/payments/api",
                ROLE, Duration.ofHours(1));
        int fetches = validator.jwksFetches.get();
        issuer.rotateEs256(false);
        String afterRotation = token("spiffe://a.org/payments/api", AUD, Duration.ofMinutes(5));
        exchange.exchange(afterRotation, "spiffe://a.org/payments/api", ROLE, Duration.ofHours(1));
        assertThat(validator.jwksFetches.get()).isEqualTo(fetches + 1);
        // A token whose signature does not verify with the published key fails.
        String tampered = afterRotation.substring(0, afterRotation.length() - 4)
                + (afterRotation.endsWith("AAAA") ? "BBBB" : "AAAA");
        refused(tampered, ExchangeException.Reason.INVALID_TOKEN);
    }

    @Test
    void throttlingIsRetriedAndMalformedResponsesAreReported() {
        sts.script("Throttling");
        sts.script("Throttling");
        CloudCredential.Aws c = exchange.exchange(token("spiffe://a.org/payments/api", AUD, Duration.ofMinutes(5)),
                "spiffe://a.org/payments/api", ROLE, Duration.ofHours(1));
        assertThat(c.accessKeyId()).startsWith("ASIA");
        for (int i = 0; i < 3; i++) {
            sts.script("Throttling");
        }
        refused(token("spiffe://a.org/payments/api", AUD, Duration.ofMinutes(5)), ExchangeException.Reason.THROTTLED);
        sts.script("malformed");
        assertThatThrownBy(() -> exchange.exchange(token("spiffe://a.org/payments/api", AUD, Duration.ofMinutes(5)),
                "spiffe://a.org/payments/api", ROLE, Duration.ofHours(1)))
                .isInstanceOf(ExchangeException.class)
                .satisfies(e -> assertThat(((ExchangeException) e).reason()).isIn(ExchangeException.Reason.MALFORMED_RESPONSE));
    }

    @Test
    void sessionNamesFollowAwsRulesAndNeverCollide() {
        String a = AwsExchange.sessionName("spiffe://a.org/ns/prod/sa/web");
        assertThat(a).matches("[\\w+=,.@-]{2,64}").startsWith("a.org-ns-prod-sa-web-");
        String longId = "spiffe://a.org/" + "x".repeat(300);
        assertThat(AwsExchange.sessionName(longId)).hasSize(64).matches("[\\w+=,.@-]{2,64}");
        assertThat(AwsExchange.sessionName("spiffe://a.org/a/b")).isNotEqualTo(AwsExchange.sessionName("spiffe://a.org/a-b"));
    }

    @Test
    void renderedTrustHasTheDocumentedShape() {
        String exact = AwsTrustRenderer.trustPolicy("https://broker.example/accord", ROLE, AUD, "exact", "spiffe://a.org/x");
        assertThat(exact).contains("\"Federated\":\"arn:aws:iam::123456789012:oidc-provider/broker.example/accord\"")
                .contains("\"broker.example/accord:sub\":\"spiffe://a.org/x\"")
                .contains("\"broker.example/accord:aud\":\"sts.amazonaws.com\"")
                .contains("sts:AssumeRoleWithWebIdentity");
        assertThat(AwsTrustRenderer.provider("https://broker.example", "arn:aws-us-gov:iam::123456789012:role/r", AUD).arn())
                .isEqualTo("arn:aws-us-gov:iam::123456789012:oidc-provider/broker.example");
        assertThat(AwsTrustRenderer.sessionTagsClaim(Map.of("team", "payments")))
                .containsEntry("https://aws.amazon.com/tags", Map.of("principal_tags", Map.of("team", java.util.List.of("payments"))));
        assertThatThrownBy(() -> AwsTrustRenderer.providerKey("http://broker.example")).isInstanceOf(IllegalArgumentException.class);
    }
}
