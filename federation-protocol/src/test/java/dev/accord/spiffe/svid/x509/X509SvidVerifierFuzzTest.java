package dev.accord.spiffe.svid.x509;

import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.SvidException;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.spiffe.testing.X509SvidMaterial;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link X509SvidVerifier} with mutated DER: every mutated leaf or intermediate that the JDK still parses
 * as a certificate must be rejected with an {@link SvidException} (never another exception), and never
 * accepted unless its encoding is unchanged. Each case's seed is in the failure message; it reproduces the
 * mutation, while the certificates (fresh keys each run) differ, so a failing position recurs with high odds.
 */
class X509SvidVerifierFuzzTest {

    private static final Instant NOW = Instant.now();
    private static final long BASE_SEED = 0x5eed_0509L;

    private final X509SvidVerifier verifier = new X509SvidVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(30));
    private final TestCa root = TestCa.create("example.org", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    private final TestCa intermediate = root.intermediate(CertSpec.ca("spiffe://example.org")
            .validity(NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1))));
    private final X509SvidMaterial svid = intermediate.issueSvid(CertSpec.svid("spiffe://example.org/w")
            .validity(NOW.minus(Duration.ofMinutes(5)), NOW.plus(Duration.ofHours(1))));
    private final X509Bundle bundle = new X509Bundle(new TrustDomain("example.org"), List.of(root.certificate()));

    @Test
    void mutatedCertificatesAreRejectedOnlyWithSvidExceptions() throws Exception {
        assertThat(verifier.verify(svid.chain(), bundle).id().toString()).isEqualTo("spiffe://example.org/w");
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int parsed = 0;
        for (int i = 0; i < 4_000; i++) {
            long seed = BASE_SEED + i;
            Random r = new Random(seed);
            int target = r.nextInt(2);
            byte[] der = svid.chain().get(target).getEncoded();
            byte[] mutated = mutate(der, r);
            X509Certificate cert;
            try {
                cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(mutated));
            } catch (CertificateException | RuntimeException unparseable) {
                continue;
            }
            parsed++;
            List<X509Certificate> chain = new ArrayList<>(svid.chain());
            chain.set(target, cert);
            try {
                verifier.verify(chain, bundle);
                assertThat(mutated).as("seed %d: a changed certificate was accepted", seed).isEqualTo(der);
            } catch (SvidException | BundleNotFoundException expected) {
                assertThat(expected.reason()).isNotNull();
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ": unexpected " + t.getClass().getName(), t);
            }
        }
        assertThat(parsed).as("mutations that still parse").isGreaterThan(100);
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] out = Arrays.copyOf(in, in.length);
        for (int ops = 1 + r.nextInt(2); ops > 0; ops--) {
            int pos = r.nextInt(out.length);
            switch (r.nextInt(3)) {
                case 0 -> out[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> out[pos] = (byte) r.nextInt(256);
                default -> out[pos] = (byte) (out[pos] + (r.nextBoolean() ? 1 : -1));
            }
        }
        return out;
    }
}
