package dev.accord.spiffe.svid.x509;

import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SvidException;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.spiffe.testing.X509SvidMaterial;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Conformance tests for {@link X509SvidVerifier}: one or more tests per XS item of
 * shared/conformance/SPIFFE-CHECKLIST.md, each accepting the valid case and rejecting the invalid one.
 */
class X509SvidVerifierTest {

    private static final String TD = "example.org";
    private static final String ID = "spiffe://example.org/workload";
    private static final Instant NOW = Instant.now();
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final X509SvidVerifier verifier = new X509SvidVerifier(Clock.fixed(NOW, ZoneOffset.UTC), SKEW);
    private final TestCa root = TestCa.create(TD, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    private final X509Bundle bundle = new X509Bundle(new TrustDomain(TD), List.of(root.certificate()));

    private static CertSpec svid() {
        return CertSpec.svid(ID).validity(NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofHours(1)));
    }

    private static CertSpec intermediateSpec() {
        return CertSpec.ca("spiffe://" + TD).validity(NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)));
    }

    private X509Svid verify(X509SvidMaterial m) {
        return verifier.verify(m.chain(), bundle);
    }

    private void assertRejected(List<X509Certificate> chain, X509BundleSource source, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(chain, source))
                .isInstanceOfSatisfying(SvidException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private void assertRejected(CertSpec leaf, Reason reason) {
        assertRejected(root.issueSvid(leaf).chain(), bundle, reason);
    }

    @Test
    void xs01_exactlyOneUriSanThatIsASpiffeIdIsAccepted() {
        assertThat(verify(root.issueSvid(svid().dnsNames("workload.example.org"))).id())
                .isEqualTo(SpiffeId.parse(ID));
    }

    @Test
    void xs01_leafWithoutUriSanIsRejected() {
        assertRejected(svid().uris().dnsNames("workload.example.org"), Reason.MISSING_URI_SAN);
    }

    @Test
    void xs01_leafWithTwoUriSansIsRejected() {
        assertRejected(svid().addUri("spiffe://example.org/other"), Reason.MULTIPLE_URI_SANS);
        assertRejected(svid().addUri("https://example.org/other"), Reason.MULTIPLE_URI_SANS);
    }

    @Test
    void xs01_uriSanThatIsNotASpiffeIdIsRejected() {
        assertRejected(svid().uris("https://example.org/workload"), Reason.INVALID_URI_SAN);
        assertRejected(svid().uris("spiffe://Example.org/workload"), Reason.INVALID_URI_SAN);
        assertRejected(svid().uris("spiffe://example.org/a/../b"), Reason.INVALID_URI_SAN);
    }

    @Test
    void xs02_leafWithCaFalseIsAccepted() {
        assertThat(verify(root.issueSvid(svid())).id()).isEqualTo(SpiffeId.parse(ID));
        // RFC 5280 §4.2.1.9: an absent extension means cA=false.
        assertThat(verify(root.issueSvid(svid().noBasicConstraints())).id()).isEqualTo(SpiffeId.parse(ID));
    }

    @Test
    void xs02_leafWithCaTrueIsRejected() {
        assertRejected(svid().ca(true), Reason.LEAF_IS_CA);
    }

    @Test
    void xs03_criticalKeyUsageWithDigitalSignatureIsAccepted() {
        assertThat(verify(root.issueSvid(svid().keyUsage(KeyUsage.digitalSignature))).id())
                .isEqualTo(SpiffeId.parse(ID));
    }

    @Test
    void xs03_missingKeyUsageIsRejected() {
        assertRejected(svid().keyUsage(-1), Reason.INVALID_KEY_USAGE);
    }

    @Test
    void xs03_nonCriticalKeyUsageIsRejected() {
        assertRejected(svid().keyUsageCritical(false), Reason.INVALID_KEY_USAGE);
    }

    @Test
    void xs03_keyUsageWithoutDigitalSignatureIsRejected() {
        assertRejected(svid().keyUsage(KeyUsage.keyEncipherment | KeyUsage.keyAgreement), Reason.INVALID_KEY_USAGE);
    }

    @Test
    void xs03b_leafIdWithPathAndSigningIdWithoutPathAreAccepted() {
        TestCa intermediate = root.intermediate(intermediateSpec());
        assertThat(verify(intermediate.issueSvid(svid())).id().path()).isEqualTo("/workload");
    }

    @Test
    void xs03b_leafIdWithoutPathIsRejected() {
        assertRejected(svid().uris("spiffe://example.org"), Reason.MISSING_PATH);
    }

    @Test
    void xs03b_signingCertificateIdWithPathIsRejected() {
        TestCa intermediate = root.intermediate(intermediateSpec().uris("spiffe://example.org/ca"));
        assertRejected(intermediate.issueSvid(svid()).chain(), bundle, Reason.PATH_NOT_ALLOWED);
    }

    @Test
    void xs03b_signingCertificateWithoutSpiffeIdIsAccepted() {
        TestCa intermediate = root.intermediate(intermediateSpec().uris());
        assertThat(verify(intermediate.issueSvid(svid())).chain()).hasSize(3);
    }

    @Test
    void xs04_leafWithoutKeyCertSignOrCrlSignIsAccepted() {
        assertThat(verify(root.issueSvid(svid())).id()).isEqualTo(SpiffeId.parse(ID));
    }

    @Test
    void xs04_leafWithKeyCertSignIsRejected() {
        assertRejected(svid().keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign), Reason.INVALID_KEY_USAGE);
    }

    @Test
    void xs04_leafWithCrlSignIsRejected() {
        assertRejected(svid().keyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign), Reason.INVALID_KEY_USAGE);
    }

    @Test
    void xs05_signingCertificateWithCaTrueAndKeyCertSignIsAccepted() {
        TestCa intermediate = root.intermediate(intermediateSpec().keyUsage(KeyUsage.keyCertSign));
        assertThat(verify(intermediate.issueSvid(svid())).chain()).hasSize(3);
    }

    @Test
    void xs05_signingCertificateWithCaFalseIsRejected() {
        TestCa notCa = root.intermediate(intermediateSpec().ca(false));
        assertRejected(notCa.issueSvid(svid()).chain(), bundle, Reason.NOT_A_CA);
    }

    @Test
    void xs05_signingCertificateWithoutKeyCertSignIsRejected() {
        TestCa noSign = root.intermediate(intermediateSpec().keyUsage(KeyUsage.cRLSign));
        assertRejected(noSign.issueSvid(svid()).chain(), bundle, Reason.INVALID_KEY_USAGE);
        TestCa noUsage = root.intermediate(intermediateSpec().keyUsage(-1));
        assertRejected(noUsage.issueSvid(svid()).chain(), bundle, Reason.INVALID_KEY_USAGE);
    }

    @Test
    void xs06_chainToOwnTrustDomainRootIsAccepted() {
        TestCa other = TestCa.create("other.org");
        X509SvidMaterial m = root.issueSvid(svid());
        assertThat(verifier.verify(m.chain(), source(bundle, bundleOf(other))).chain().getLast())
                .isEqualTo(root.certificate());
    }

    @Test
    void xs06_bundleWithOldAndNewRootOfTheSameNameVerifiesLeavesOfBoth() {
        // Root rotation with overlap: both roots are held under one name; each leaf chains to its own.
        TestCa next = TestCa.create(TD, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(60)));
        X509Bundle both = new X509Bundle(new TrustDomain(TD), List.of(root.certificate(), next.certificate()));
        assertThat(verifier.verify(root.issueSvid(svid()).chain(), both).chain().getLast()).isEqualTo(root.certificate());
        assertThat(verifier.verify(next.issueSvid(svid()).chain(), both).chain().getLast()).isEqualTo(next.certificate());
        X509Bundle nextOnly = new X509Bundle(new TrustDomain(TD), List.of(next.certificate()));
        assertRejected(root.issueSvid(svid()).chain(), nextOnly, Reason.CHAIN_INVALID);
    }

    @Test
    void xs06_chainToAnotherTrustDomainRootIsRejected() {
        TestCa other = TestCa.create("other.org");
        // other.org's CA signs an SVID claiming example.org: its root is held, but not for example.org.
        X509SvidMaterial forged = other.issueSvid(svid());
        assertRejected(forged.chain(), source(bundle, bundleOf(other)), Reason.CHAIN_INVALID);
    }

    @Test
    void xs06_missingOrEmptyBundleOfTheLeafTrustDomainIsRejected() {
        X509SvidMaterial m = root.issueSvid(svid());
        TestCa other = TestCa.create("other.org");
        assertThatThrownBy(() -> verifier.verify(m.chain(), bundleOf(other)))
                .isInstanceOfSatisfying(BundleNotFoundException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BUNDLE_NOT_FOUND));
        assertRejected(m.chain(), new X509Bundle(new TrustDomain(TD), List.of()), Reason.CHAIN_INVALID);
    }

    @Test
    void xs07_validityWithinClockSkewIsAccepted() {
        assertThat(verify(root.issueSvid(svid().validity(NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(10)))))
                .isNotNull();
        assertThat(verify(root.issueSvid(svid().validity(NOW.plusSeconds(10), NOW.plus(Duration.ofHours(1))))))
                .isNotNull();
    }

    @Test
    void xs07_expiredLeafIsRejected() {
        assertRejected(svid().validity(NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(31)), Reason.EXPIRED);
    }

    @Test
    void xs07_notYetValidLeafIsRejected() {
        assertRejected(svid().validity(NOW.plusSeconds(31), NOW.plus(Duration.ofHours(1))), Reason.NOT_YET_VALID);
    }

    @Test
    void xs07_expiredOrNotYetValidIntermediateIsRejected() {
        TestCa expired = root.intermediate(intermediateSpec().validity(NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(60)));
        assertRejected(expired.issueSvid(svid()).chain(), bundle, Reason.EXPIRED);
        TestCa future = root.intermediate(intermediateSpec().validity(NOW.plusSeconds(60), NOW.plus(Duration.ofDays(1))));
        assertRejected(future.issueSvid(svid()).chain(), bundle, Reason.NOT_YET_VALID);
    }

    @Test
    void xs07_expiredRootIsRejected() {
        TestCa old = TestCa.create(TD, NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(1)));
        X509SvidMaterial m = old.issueSvid(svid());
        assertRejected(m.chain(), new X509Bundle(new TrustDomain(TD), List.of(old.certificate())), Reason.EXPIRED);
    }

    @Test
    void xs08_suppliedIntermediatesAreUsedForPathBuilding() {
        TestCa first = root.intermediate(intermediateSpec());
        TestCa second = first.intermediate(intermediateSpec());
        X509SvidMaterial m = second.issueSvid(svid());
        assertThat(verify(m).chain()).containsExactly(m.chain().get(0), second.certificate(), first.certificate(),
                root.certificate());
        // Intermediates out of order are still found by path building.
        List<X509Certificate> shuffled = List.of(m.leaf(), first.certificate(), second.certificate());
        assertThat(verifier.verify(shuffled, bundle).chain()).hasSize(4);
    }

    @Test
    void xs08_chainThatAlsoCarriesTheRootIsAccepted() {
        TestCa intermediate = root.intermediate(intermediateSpec());
        X509SvidMaterial m = intermediate.issueSvid(svid());
        List<X509Certificate> withRoot = List.of(m.leaf(), intermediate.certificate(), root.certificate());
        assertThat(verifier.verify(withRoot, bundle).chain()).containsExactlyElementsOf(withRoot);
        // A supplied root is not trusted for being supplied: only the bundle's authorities anchor the path.
        TestCa stranger = TestCa.create(TD, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
        X509SvidMaterial s = stranger.issueSvid(svid());
        assertRejected(List.of(s.leaf(), stranger.certificate()), bundle, Reason.CHAIN_INVALID);
    }

    @Test
    void xs08_missingIntermediateIsRejected() {
        TestCa first = root.intermediate(intermediateSpec());
        TestCa second = first.intermediate(intermediateSpec());
        X509SvidMaterial m = second.issueSvid(svid());
        assertRejected(List.of(m.leaf(), second.certificate()), bundle, Reason.CHAIN_INVALID);
        assertRejected(List.of(m.leaf()), bundle, Reason.CHAIN_INVALID);
    }

    @Test
    void xs09_leafWithServerAndClientAuthOrNoEkuIsAccepted() {
        assertThat(verify(root.issueSvid(svid()))).isNotNull();
        assertThat(verify(root.issueSvid(svid().extendedKeyUsages()))).isNotNull();
    }

    @Test
    void xs09_leafWithOnlyOneOfServerAuthAndClientAuthIsRejected() {
        assertRejected(svid().extendedKeyUsages(KeyPurposeId.id_kp_serverAuth), Reason.INVALID_EXTENDED_KEY_USAGE);
        assertRejected(svid().extendedKeyUsages(KeyPurposeId.id_kp_clientAuth), Reason.INVALID_EXTENDED_KEY_USAGE);
        assertRejected(svid().extendedKeyUsages(KeyPurposeId.anyExtendedKeyUsage), Reason.INVALID_EXTENDED_KEY_USAGE);
    }

    @Test
    void xs10_leafWithValidSignatureIsAccepted() {
        assertThat(verify(root.issueSvid(svid()))).isNotNull();
    }

    @Test
    void xs10_leafWhoseSignatureDoesNotVerifyIsRejected() throws Exception {
        X509Certificate leaf = root.issueSvid(svid()).leaf();
        byte[] der = leaf.getEncoded();
        der[der.length - 1] ^= 0x01;
        X509Certificate tampered = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        assertRejected(List.of(tampered), bundle, Reason.CHAIN_INVALID);
    }

    @Test
    void xs10_leafSignedByImpostorWithTheRootsNameIsRejected() {
        TestCa impostor = TestCa.create(TD, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
        assertThat(impostor.certificate().getSubjectX500Principal()).isEqualTo(root.certificate().getSubjectX500Principal());
        assertRejected(impostor.issueSvid(svid()).chain(), bundle, Reason.CHAIN_INVALID);
    }

    @Test
    void xs11_verifierReturnsIdAndVerifiedChain() {
        TestCa intermediate = root.intermediate(intermediateSpec());
        X509SvidMaterial m = intermediate.issueSvid(svid());
        X509Svid svid = verify(m);
        assertThat(svid.id()).isEqualTo(SpiffeId.parse(ID));
        assertThat(svid.leaf()).isEqualTo(m.leaf());
        assertThat(svid.chain()).containsExactly(m.leaf(), intermediate.certificate(), root.certificate());
    }

    @Test
    void emptyNullOrOverlongChainIsRejectedAsMalformed() {
        assertRejected(List.of(), bundle, Reason.MALFORMED_CERTIFICATE);
        assertRejected(null, bundle, Reason.MALFORMED_CERTIFICATE);
        X509Certificate leaf = root.issueSvid(svid()).leaf();
        assertRejected(Arrays.asList(leaf, null), bundle, Reason.MALFORMED_CERTIFICATE);
        List<X509Certificate> longChain = new ArrayList<>();
        for (int i = 0; i <= X509SvidVerifier.MAX_CHAIN_LENGTH; i++) {
            longChain.add(leaf);
        }
        assertRejected(longChain, bundle, Reason.MALFORMED_CERTIFICATE);
    }

    @Test
    void signatureBitStringWithUnusedBitsIsRejectedAsMalformed() throws Exception {
        // Found by X509SvidVerifierFuzzTest: the JDK accepts a signature BIT STRING that declares unused bits,
        // a second encoding of the same signed certificate.
        X509Certificate leaf = root.issueSvid(svid()).leaf();
        byte[] der = leaf.getEncoded();
        int sigLen = leaf.getSignature().length;
        int padIndex = der.length - sigLen - 1;
        assertThat(der[padIndex - 2]).isEqualTo((byte) 0x03);
        assertThat(der[padIndex]).isZero();
        der[padIndex] = 1;
        X509Certificate altered = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        assertRejected(List.of(altered), bundle, Reason.MALFORMED_CERTIFICATE);
    }

    @Test
    void clockSkewIsBounded() {
        assertThatThrownBy(() -> new X509SvidVerifier(Clock.systemUTC(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new X509SvidVerifier(Clock.systemUTC(), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static X509Bundle bundleOf(TestCa ca) {
        return new X509Bundle(new TrustDomain(ca.trustDomain()), List.of(ca.certificate()));
    }

    private static X509BundleSource source(X509Bundle... bundles) {
        return td -> Arrays.stream(bundles).filter(b -> b.trustDomain().equals(td)).findFirst()
                .orElseThrow(() -> new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND, "no bundle for " + td));
    }
}
