package dev.accord.spiffe.federation;

import dev.accord.spiffe.FederationException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundleSet;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.FakeBundleEndpoint;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.spiffe.testing.X509SvidMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bundle endpoint client against real local HTTPS servers, walking FD01–FD12 of
 * shared/conformance/SPIFFE-CHECKLIST.md (SPIFFE_Federation.md §5). FD07, FD09, FD13–FD15 are in
 * {@link FederationPoliciesTest}.
 */
class BundleEndpointClientTest {

    private static final TrustDomain TD = new TrustDomain("example.org");
    private static final SpiffeId ENDPOINT_ID = SpiffeId.parse("spiffe://example.org/spire/server");
    private static final TestCa WEB_CA = TestCa.create("webpki.test");
    private static final TestCa TD_CA = TestCa.create("example.org");

    private final List<FakeBundleEndpoint> servers = new ArrayList<>();
    private final BundleEndpointClient webClient = BundleEndpointClient.builder()
            .webPkiRoots(List.of(WEB_CA.rootCertificate())).timeout(Duration.ofSeconds(3)).build();

    @AfterEach
    void stop() {
        servers.forEach(FakeBundleEndpoint::close);
    }

    private FakeBundleEndpoint serve(X509SvidMaterial identity, SpiffeBundle bundle) {
        FakeBundleEndpoint ep = FakeBundleEndpoint.start(identity).body(bundle.marshal());
        servers.add(ep);
        return ep;
    }

    private static X509SvidMaterial webCert(TestCa ca) {
        return ca.issueSvid(CertSpec.server("localhost").ipAddresses("127.0.0.1"));
    }

    private static SpiffeBundle bundle(long seq, TestCa... cas) {
        return SpiffeBundle.of(TD, java.util.Arrays.stream(cas).map(TestCa::rootCertificate).toList(),
                Map.of("k1", TestCa.Keys.ec("secp256r1").getPublic())).withSequence(seq).withRefreshHint(Duration.ofMinutes(5));
    }

    private static BundleEndpoint web(URI url) {
        return new BundleEndpoint(TD, url, new BundleEndpointProfile.HttpsWeb());
    }

    private static BundleEndpoint spiffe(URI url) {
        return new BundleEndpoint(TD, url, new BundleEndpointProfile.HttpsSpiffe(ENDPOINT_ID));
    }

    private static void fails(Runnable r, Reason reason) {
        assertThatThrownBy(r::run).isInstanceOf(FederationException.class)
                .satisfies(e -> assertThat(((FederationException) e).reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void fd01_fetchesTheBundleAsJsonOverTls() {
        SpiffeBundle b = bundle(7, TD_CA);
        FakeBundleEndpoint ep = serve(webCert(WEB_CA), b);
        assertThat(webClient.fetch(web(ep.url()), null)).isEqualTo(b);
        assertThat(ep.requests()).isEqualTo(1);
    }

    @Test
    void fd02_noClientAuthenticationIsOffered() {
        FakeBundleEndpoint ep = serve(webCert(WEB_CA), bundle(1, TD_CA));
        webClient.fetch(web(ep.url()), null);
        assertThat(ep.clientCertificateSeen()).isFalse();
    }

    @Test
    void fd03_httpsWebAuthenticatesWithWebPkiAndHostName() {
        SpiffeBundle b = bundle(1, TD_CA);
        FakeBundleEndpoint selfSigned = serve(webCert(TestCa.create("stranger.test")), b);
        fails(() -> webClient.fetch(web(selfSigned.url()), null), Reason.TLS_FAILED);
        FakeBundleEndpoint wrongHost = serve(WEB_CA.issueSvid(CertSpec.server("other.example")), b);
        fails(() -> webClient.fetch(web(wrongHost.url()), null), Reason.TLS_FAILED);
        FakeBundleEndpoint expired = serve(WEB_CA.issueSvid(CertSpec.server("localhost").ipAddresses("127.0.0.1")
                .validity(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)))), b);
        fails(() -> webClient.fetch(web(expired.url()), null), Reason.TLS_FAILED);
        // The JDK's default roots do not know the test CA either.
        FakeBundleEndpoint ok = serve(webCert(WEB_CA), b);
        fails(() -> new BundleEndpointClient().fetch(web(ok.url()), null), Reason.TLS_FAILED);
        assertThat(webClient.fetch(web(ok.url()), null)).isEqualTo(b);
    }

    @Test
    void fd04_httpsSpiffeRequiresTheConfiguredEndpointIdFromTheHeldBundle() {
        SpiffeBundle b = bundle(3, TD_CA);
        X509Bundle held = X509Bundle.of(TD, List.of(TD_CA.rootCertificate()));
        FakeBundleEndpoint ok = serve(TD_CA.issueSvid(ENDPOINT_ID.toString()), b);
        assertThat(webClient.fetch(spiffe(ok.url()), held)).isEqualTo(b);

        FakeBundleEndpoint otherId = serve(TD_CA.issueSvid("spiffe://example.org/not-the-server"), b);
        fails(() -> webClient.fetch(spiffe(otherId.url()), held), Reason.ENDPOINT_ID_MISMATCH);
        FakeBundleEndpoint otherCa = serve(TestCa.create("example.org").issueSvid(ENDPOINT_ID.toString()), b);
        fails(() -> webClient.fetch(spiffe(otherCa.url()), held), Reason.TLS_FAILED);
        FakeBundleEndpoint expired = serve(TD_CA.issueSvid(CertSpec.svid(ENDPOINT_ID.toString())
                .validity(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)))), b);
        fails(() -> webClient.fetch(spiffe(expired.url()), held), Reason.TLS_FAILED);
    }

    @Test
    void fd05_httpsSpiffeBootstrapsOutOfBandThenUsesTheFetchedBundle() {
        SpiffeBundle served = bundle(1, TD_CA);
        FakeBundleEndpoint ep = serve(TD_CA.issueSvid(ENDPOINT_ID.toString()), served);
        X509Bundle bootstrap = X509Bundle.of(TD, List.of(TD_CA.rootCertificate()));
        SpiffeBundle first = webClient.fetch(spiffe(ep.url()), bootstrap);
        SpiffeBundle second = webClient.fetch(spiffe(ep.url()), first);
        assertThat(second).isEqualTo(served);
        fails(() -> webClient.fetch(spiffe(ep.url()), SpiffeBundle.of(TD, List.of(), Map.of())), Reason.TLS_FAILED);
    }

    @Test
    void fd06_rootRotationWithOverlapKeepsHttpsSpiffeWorking() {
        TestCa oldCa = TestCa.create("example.org");
        TestCa newCa = TestCa.create("example.org");
        FakeBundleEndpoint ep = serve(oldCa.issueSvid(ENDPOINT_ID.toString()), bundle(2, oldCa, newCa));
        SpiffeBundle held = webClient.fetch(spiffe(ep.url()), X509Bundle.of(TD, List.of(oldCa.rootCertificate())));
        assertThat(held.x509Authorities()).hasSize(2);

        // The server moves to the new root and drops the old one from the bundle.
        ep.identity(newCa.issueSvid(ENDPOINT_ID.toString())).body(bundle(3, newCa).marshal());
        held = webClient.fetch(spiffe(ep.url()), held);
        assertThat(held.x509Authorities()).containsExactly(newCa.rootCertificate());
        SpiffeBundle rotated = held;
        assertThat(webClient.fetch(spiffe(ep.url()), rotated).sequence()).hasValue(3);

        // An impostor still holding an old-root SVID is no longer accepted.
        ep.identity(oldCa.issueSvid(ENDPOINT_ID.toString()));
        fails(() -> webClient.fetch(spiffe(ep.url()), rotated), Reason.TLS_FAILED);
    }

    @Test
    void fd08_failedFetchesLeaveTheHeldBundleInForce() {
        FakeBundleEndpoint ep = serve(webCert(WEB_CA), bundle(5, TD_CA));
        SpiffeBundle held = webClient.fetch(web(ep.url()), null);
        SpiffeBundle before = held;
        ep.body("<html>maintenance</html>");
        for (int status : new int[] {200, 500, 404}) {
            ep.status(status);
            try {
                held = webClient.fetch(web(ep.url()), null);
            } catch (FederationException expected) {
                assertThat(expected.reason()).isIn(Reason.MALFORMED_BUNDLE, Reason.HTTP_STATUS);
            }
        }
        assertThat(held).isSameAs(before);
        ep.status(200).body("{\"keys\":[],\"spiffe_sequence\":\"x\"}");
        fails(() -> webClient.fetch(web(ep.url()), null), Reason.INVALID_SEQUENCE);
    }

    @Test
    void fd10_oversizedSlowAndUnreachableEndpointsAreAborted() {
        BundleEndpointClient small = BundleEndpointClient.builder().webPkiRoots(List.of(WEB_CA.rootCertificate()))
                .maxBodyBytes(1024).timeout(Duration.ofMillis(700)).build();
        FakeBundleEndpoint big = serve(webCert(WEB_CA), bundle(1, TD_CA));
        big.body("{\"keys\":[]," + "\"pad\":\"" + "x".repeat(4096) + "\"}");
        fails(() -> small.fetch(web(big.url()), null), Reason.RESPONSE_TOO_LARGE);

        FakeBundleEndpoint slow = serve(webCert(WEB_CA), bundle(1, TD_CA)).delay(Duration.ofSeconds(3));
        long t = System.nanoTime();
        fails(() -> small.fetch(web(slow.url()), null), Reason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(3));

        FakeBundleEndpoint gone = serve(webCert(WEB_CA), bundle(1, TD_CA));
        URI url = gone.url();
        gone.close();
        fails(() -> small.fetch(web(url), null), Reason.CONNECT_FAILED);

        FakeBundleEndpoint error = serve(webCert(WEB_CA), bundle(1, TD_CA)).status(500);
        fails(() -> webClient.fetch(web(error.url()), null), Reason.HTTP_STATUS);
        FakeBundleEndpoint garbage = serve(webCert(WEB_CA), bundle(1, TD_CA)).body("not json");
        fails(() -> webClient.fetch(web(garbage.url()), null), Reason.MALFORMED_BUNDLE);
    }

    @Test
    void fd11_redirectsStayOnTheConfiguredHostAndPassTheSameChecks() {
        SpiffeBundle b = bundle(4, TD_CA);
        FakeBundleEndpoint ep = serve(webCert(WEB_CA), b);
        ep.redirectOnce("/moved");
        assertThat(webClient.fetch(web(ep.url()), null)).isEqualTo(b);
        assertThat(ep.requests()).isEqualTo(2);

        FakeBundleEndpoint spiffeEp = serve(TD_CA.issueSvid(ENDPOINT_ID.toString()), b);
        spiffeEp.redirectOnce("/elsewhere");
        assertThat(webClient.fetch(spiffe(spiffeEp.url()), X509Bundle.of(TD, List.of(TD_CA.rootCertificate())))).isEqualTo(b);

        FakeBundleEndpoint other = serve(webCert(WEB_CA), b);
        ep.redirectOnce("https://127.0.0.1:" + other.port() + "/bundle");
        fails(() -> webClient.fetch(web(ep.url()), null), Reason.REDIRECT_REJECTED);
        ep.redirectOnce("http://localhost:" + ep.port() + "/bundle");
        fails(() -> webClient.fetch(web(ep.url()), null), Reason.REDIRECT_REJECTED);
        ep.status(302).location("/loop");
        fails(() -> webClient.fetch(web(ep.url()), null), Reason.REDIRECT_REJECTED);
    }

    @Test
    void fd12_endpointUrlIsHttpsWithoutUserinfoAndProfilesNeverFallBack() {
        fails(() -> webClient.fetch(web(URI.create("http://localhost:1/bundle")), null), Reason.INVALID_ENDPOINT_URL);
        fails(() -> webClient.fetch(web(URI.create("https://user:pw@localhost:1/bundle")), null), Reason.INVALID_ENDPOINT_URL);
        // A Web PKI server is not an https_spiffe server, and an X509-SVID server is not a Web PKI server.
        FakeBundleEndpoint webServer = serve(webCert(WEB_CA), bundle(1, TD_CA));
        fails(() -> webClient.fetch(spiffe(webServer.url()), X509Bundle.of(TD, List.of(TD_CA.rootCertificate()))),
                Reason.TLS_FAILED);
        FakeBundleEndpoint spiffeServer = serve(TD_CA.issueSvid(ENDPOINT_ID.toString()), bundle(1, TD_CA));
        fails(() -> webClient.fetch(web(spiffeServer.url()), null), Reason.TLS_FAILED);
    }

    @Test
    void fd13_theFetchedBundleBelongsToTheConfiguredTrustDomain() {
        TestCa otherCa = TestCa.create("other.org");
        SpiffeBundle foreign = SpiffeBundle.of(new TrustDomain("other.org"), List.of(otherCa.rootCertificate()), Map.of());
        FakeBundleEndpoint ep = serve(webCert(WEB_CA), foreign);
        SpiffeBundle fetched = webClient.fetch(web(ep.url()), null);
        // The document names no domain: the configured <trust domain, endpoint> tuple decides (TB §5, FED §4.2).
        assertThat(fetched.trustDomain()).isEqualTo(TD);
        SpiffeBundleSet set = SpiffeBundleSet.of(List.of(fetched, foreign));
        assertThat(set.bundleFor(TD).trustDomain()).isEqualTo(TD);
        assertThat(set.bundleFor(new TrustDomain("other.org")).trustDomain().name()).isEqualTo("other.org");
    }
}
