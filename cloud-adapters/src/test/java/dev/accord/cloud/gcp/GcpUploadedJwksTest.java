package dev.accord.cloud.gcp;

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
 * An issuer that Google cannot reach: the rendered provider carries the JWKS to upload ({@code oidc.jwksJson}),
 * and Google verifies with it instead of fetching. The issuer's server is stopped to prove nothing is fetched;
 * a key rotated after the upload is unknown until the JWKS is uploaded again.
 */
class GcpUploadedJwksTest {

    static final String PROVIDER = GcpExchangeTest.PROVIDER;
    static final String SUB = "spiffe://a.org/payments/api";

    private TestIssuer issuer;
    private FakeGoogle google;
    private GcpExchange exchange;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        google = FakeGoogle.trusting(issuer, PROVIDER, GcpExchangeTest.SA, "exact", SUB, issuer.jwksJson());
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
    void uploadedJwksVerifiesWithoutReachingTheIssuer() {
        String token = token();
        issuer.close();
        assertThat(exchange.exchange(token, PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES).token()).isNotBlank();
    }

    @Test
    void keyRotatedAfterTheUploadIsUnknownUntilUploadedAgain() throws Exception {
        issuer.rotateEs256(false);
        String token = token();
        assertThatThrownBy(() -> exchange.exchange(token, PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES))
                .isInstanceOfSatisfying(ExchangeException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(ExchangeException.Reason.INVALID_TOKEN));
        google.configure(GcpTrustRenderer.render(issuer.url(), PROVIDER, PROVIDER, GcpExchangeTest.SA, "exact", SUB,
                issuer.jwksJson()), new OidcTokenValidator(issuer.url(), Set.of(PROVIDER), issuer.clientTls()));
        assertThat(exchange.exchange(token, PROVIDER, GcpExchangeTest.SA, GcpExchangeTest.SCOPES).token()).isNotBlank();
    }
}
