package dev.accord.broker.bundleserve;

import dev.accord.broker.support.TestPostgres;
import dev.accord.broker.support.TestTls;
import dev.accord.broker.trustdomain.TrustDomainRepository;
import dev.accord.broker.trustdomain.TrustDomainRow;
import dev.accord.spiffe.FederationException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.federation.BundleEndpoint;
import dev.accord.spiffe.federation.BundleEndpointClient;
import dev.accord.spiffe.federation.BundleEndpointProfile;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.TestCa;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the broker's TLS certificate is an X509-SVID, members can federate with the broker's bundle endpoint using
 * the https_spiffe profile: our own client, configured with the broker's SPIFFE ID and trust domain bundle, fetches
 * a member's bundle from the broker.
 */
class BrokerHttpsSpiffeEndpointTest {

    @Test
    void membersCanFetchFromTheBrokerWithHttpsSpiffe() throws Exception {
        TestCa brokerTd = TestCa.create("broker.example");
        SpiffeId brokerId = SpiffeId.parse("spiffe://broker.example/accord/broker");
        Map<String, Object> p = new HashMap<>(TestPostgres.freshDatabase("brokerspiffe"));
        p.putAll(TestTls.serverProperties(brokerTd, brokerTd.issueSvid(brokerId.toString())));
        p.put("accord.sync.enabled", false);
        try (ApplicationContext ctx = ApplicationContext.run(p, "test")) {
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
            // A member whose bundle the broker holds (stored directly: this test is about serving).
            TrustDomain member = new TrustDomain("member.org");
            SpiffeBundle held = SpiffeBundle.of(member, List.of(TestCa.create("member.org").rootCertificate()), Map.of()).withSequence(3);
            ctx.getBean(TrustDomainRepository.class).save(new TrustDomainRow("member.org", "https://member.invalid/bundle",
                    "https_web", null, null, Instant.now(), Instant.now())).block();
            dev.accord.broker.bundlesync.TestBundleWriter.store(ctx, held);

            URI url = URI.create("https://localhost:" + server.getPort() + "/v1/bundles/member.org");
            BundleEndpointClient client = BundleEndpointClient.builder().build();
            X509Bundle brokerTrust = X509Bundle.of(brokerId.trustDomain(), List.of(brokerTd.rootCertificate()));
            SpiffeBundle fetched = client.fetch(new BundleEndpoint(member, url,
                    new BundleEndpointProfile.HttpsSpiffe(brokerId)), brokerTrust);
            assertThat(fetched).isEqualTo(held);
            assertThatThrownBy(() -> client.fetch(new BundleEndpoint(member, url, new BundleEndpointProfile.HttpsSpiffe(
                    SpiffeId.parse("spiffe://broker.example/someone-else"))), brokerTrust))
                    .isInstanceOf(FederationException.class)
                    .satisfies(e -> assertThat(((FederationException) e).reason()).isEqualTo(Reason.ENDPOINT_ID_MISMATCH));
        }
    }
}
