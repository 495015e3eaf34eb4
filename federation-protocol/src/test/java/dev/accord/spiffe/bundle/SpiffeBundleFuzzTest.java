package dev.accord.spiffe.bundle;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.TestCa;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the bundle parser: random bytes, random JSON-like text and mutations of a valid bundle must either
 * parse or raise {@link BundleException} — never anything else. Each case's seed is in the failure message.
 */
class SpiffeBundleFuzzTest {

    private static final TrustDomain TD = new TrustDomain("example.org");
    private static final String ALPHABET = "{}[]\",:0123456789-.eE truefalsnul\\/ukeysx5c\"use\"kty";
    private static final long BASE_SEED = 0x5eed_ac0dL;

    private final byte[] valid = SpiffeBundle.of(TD,
            List.of(TestCa.create("example.org").certificate()),
            Map.of("k1", TestCa.Keys.ec("secp256r1").getPublic(), "k2", TestCa.Keys.rsa(2048).getPublic()))
            .withSequence(5).marshal();

    @Test
    void randomBytesOnlyRaiseBundleException() {
        for (int i = 0; i < 5_000; i++) {
            long seed = BASE_SEED + i;
            Random r = new Random(seed);
            byte[] doc = new byte[r.nextInt(200)];
            r.nextBytes(doc);
            check(doc, seed);
        }
    }

    @Test
    void randomJsonLikeTextOnlyRaisesBundleException() {
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED * 31 + i;
            Random r = new Random(seed);
            StringBuilder b = new StringBuilder("{\"keys\":[");
            int n = r.nextInt(120);
            for (int j = 0; j < n; j++) {
                b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
            check(b.toString().getBytes(StandardCharsets.UTF_8), seed);
        }
    }

    @Test
    void mutatedValidBundlesOnlyRaiseBundleException() {
        int parsed = 0;
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED * 17 + i;
            Random r = new Random(seed);
            byte[] doc = mutate(valid, r);
            if (check(doc, seed)) {
                parsed++;
            }
        }
        // Some mutations (e.g. inside ignored members or whitespace) still parse; most must not.
        assertThat(parsed).isLessThan(10_000);
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] out = Arrays.copyOf(in, in.length);
        int ops = 1 + r.nextInt(4);
        for (int k = 0; k < ops && out.length > 0; k++) {
            int pos = r.nextInt(out.length);
            switch (r.nextInt(5)) {
                case 0 -> out[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> out = Arrays.copyOf(out, pos);
                case 2 -> out[pos] = (byte) ALPHABET.charAt(r.nextInt(ALPHABET.length()));
                case 3 -> {
                    byte[] bigger = new byte[out.length + 1];
                    System.arraycopy(out, 0, bigger, 0, pos);
                    bigger[pos] = (byte) r.nextInt(256);
                    System.arraycopy(out, pos, bigger, pos + 1, out.length - pos);
                    out = bigger;
                }
                default -> {
                    int len = Math.min(out.length - pos, 1 + r.nextInt(16));
                    byte[] smaller = new byte[out.length - len];
                    System.arraycopy(out, 0, smaller, 0, pos);
                    System.arraycopy(out, pos + len, smaller, pos, out.length - pos - len);
                    out = smaller;
                }
            }
        }
        return out;
    }

    private static boolean check(byte[] doc, long seed) {
        try {
            SpiffeBundle b = SpiffeBundle.parse(TD, doc);
            // Whatever parses must survive its own round trip.
            assertThat(SpiffeBundle.parse(TD, b.marshal())).as("seed %d", seed).isEqualTo(b);
            return true;
        } catch (BundleException expected) {
            assertThat(expected.getMessage()).as("seed %d", seed).isNotBlank();
            return false;
        } catch (RuntimeException | Error e) {
            fail("seed " + seed + " raised " + e, e);
            return false;
        }
    }
}
