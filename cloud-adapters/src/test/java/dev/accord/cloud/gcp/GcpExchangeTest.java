package dev.accord.cloud.gcp;

import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.ExchangeException;
import dev.accord.cloud.testing.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * google-auth-library's workload identity federation client against a local STS + IAM Credentials that validate
 * the broker token like Google and apply the configuration {@link GcpTrustRenderer} rendered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GcpExchangeTest {

    static final String PROVIDER = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/accord/providers/broker";
    static final String SA = "payments@my-project.iam.gserviceaccount.com";
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    private TestIssuer issuer;
    private FakeGoogle google;
    private GcpExchange exchange;

    @BeforeAll
    void start() throws Exception {
        issuer = new TestIssuer();
        google = FakeGoogle.trusting(issuer, PROVIDER, SA, "prefix", "spiffe://a.org/payments", null);
        exchange = new GcpExchange(new GcpExchangeConfig(null, null, 3, Duration.ofMillis(20)), google.transport());
    }

    @AfterAll
    void stop() {
        google.close();
        issuer.close();
    }

    private String token(String sub, String aud, Duration ttl) {
        String td = sub.replaceFirst("^spiffe://", "").replaceFirst("/.*$", "");
        return issuer.token("ES256", sub, aud, ttl, Map.of("spiffe_trust_domain", td));
    }

    private void refused(String token, ExchangeException.Reason reason) {
        assertThatThrownBy(() -> exchange.exchange(token, PROVIDER, SA, SCOPES)).isInstanceOf(ExchangeException.class)
                .satisfies(e -> assertThat(((ExchangeException) e).reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void exchangesThroughStsAndServiceAccountImpersonation() {
        CloudCredential.AccessToken t = exchange.exchange(token("spiffe://a.org/payments/api", PROVIDER, Duration.ofMinutes(5)),
                PROVIDER, SA, SCOPES);
        assertThat(t.token()).startsWith("ya29.fake-");
        assertThat(t.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
        assertThat(t.toString()).doesNotContain(t.token());
        assertThat(google.lastStsForm).containsEntry("audience", PROVIDER)
                .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
    }

    @Test
    void subOutsideTheAttributeConditionWrongAudienceAndExpiredAreRefused() {
        refused(token("spiffe://a.org/web", PROVIDER, Duration.ofMinutes(5)), ExchangeException.Reason.CLAIM_REJECTED);
        refused(token("spiffe://a.org/payments/api", "sts.amazonaws.com", Duration.ofMinutes(5)), ExchangeException.Reason.INVALID_TOKEN);
        refused(token("spiffe://a.org/payments/api", PROVIDER, Duration.ofSeconds(-30)), ExchangeException.Reason.TOKEN_EXPIRED);
    }

    @Test
    void keyRotatedBetweenIssueAndVerifyStillVerifies() throws Exception {
        exchange.exchange(token("spiffe://a.org/payments/api", PROVIDER, Duration.ofMinutes(5)), PROVIDER, SA, SCOPES);
        issuer.rotateEs256(false);
        assertThat(exchange.exchange(token("spiffe://a.org/payments/api", PROVIDER, Duration.ofMinutes(5)), PROVIDER, SA, SCOPES)
                .token()).startsWith("ya29.");
    }

    @Test
    void throttlingIsRetriedAndMalformedResponsesAreReported() {
        google.script("throttle");
        assertThat(exchange.exchange(token("spiffe://a.org/payments/api", PROVIDER, Duration.ofMinutes(5)), PROVIDER, SA, SCOPES)
                .token()).startsWith("ya29.");
        google.script("malformed");
        assertThatThrownBy(() -> exchange.exchange(token("spiffe://a.org/payments/api", PROVIDER, Duration.ofMinutes(5)),
                PROVIDER, SA, SCOPES)).isInstanceOf(ExchangeException.class);
    }

    @Test
    void renderedConfigurationHasTheDocumentedFields() {
        String r = GcpTrustRenderer.render("https://broker.example", PROVIDER, PROVIDER, SA, "exact", "spiffe://a.org/x", "{\"keys\":[]}");
        assertThat(r).contains("\"issuerUri\":\"https://broker.example\"").contains("\"google.subject\":\"assertion.sub\"")
                .contains("\"attribute.trust_domain\":\"assertion.spiffe_trust_domain\"")
                .contains("roles/iam.workloadIdentityUser")
                .contains("principal://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/accord/subject/spiffe://a.org/x")
                .contains("\"jwksJson\"");
        assertThat(GcpTrustRenderer.attributeCondition("glob", "spiffe://a.org/ns/*/api"))
                .isEqualTo("assertion.spiffe_trust_domain == 'a.org' && assertion.sub.matches('^spiffe://a\\\\.org/ns/[^/]*/api$')");
    }
}
