package dev.accord.spiffe.svid.jwt;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.SvidException;
import dev.accord.spiffe.bundle.jwt.JwtBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.JwtAuthority;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the JWT-SVID parser and verifier: random strings and mutated valid tokens (bit flips, truncation,
 * segment swaps, header and payload edits, re-signed random headers and claims) must raise only
 * {@link SvidException} or {@link BundleNotFoundException}, and a changed token is never accepted unless it
 * was re-signed. Each case's seed is in the failure message, so a failure replays with {@code new Random(seed)}.
 */
class JwtSvidVerifierFuzzTest {

    private static final TrustDomain TD = new TrustDomain("example.org");
    private static final String AUD = "svc";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final long BASE_SEED = 0x5eed_1a77L;
    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String JSONISH = "{}[]\",:0123456789-.eE truefalsnul\\/algkidtypsubaudexpnbfiatES256RS";

    private final JwtSvidVerifier verifier = new JwtSvidVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(30));
    private final JwtAuthority es = JwtAuthority.es256("k-es");
    private final JwtAuthority rs = JwtAuthority.rs256("k-rs");
    private final JwtBundle bundle = new JwtBundle(TD, Map.of("k-es", es.publicKey(), "k-rs", rs.publicKey()));
    private final List<String> valid = List.of(
            es.sign(h -> h, claims().build()),
            rs.sign(h -> h, claims().claim("nested", Map.of("a", List.of(1, "b"))).build()));

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("spiffe://example.org/w").audience(AUD)
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5))));
    }

    @Test
    void randomStringsOnlyRaiseSvidExceptions() {
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED + i;
            Random r = new Random(seed);
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(300);
            String alphabet = r.nextBoolean() ? B64 + "." : null;
            for (int j = 0; j < n; j++) {
                b.append(alphabet != null ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) r.nextInt(0x3000));
            }
            assertThat(check(b.toString(), seed)).as("seed %d accepted random input", seed).isFalse();
        }
    }

    @Test
    void randomJsonSegmentsOnlyRaiseSvidExceptions() {
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED * 31 + i;
            Random r = new Random(seed);
            String token = b64(r.nextBoolean() ? "{\"alg\":\"ES256\",\"kid\":\"k-es\"," + jsonish(r) : jsonish(r))
                    + "." + b64("{\"sub\":" + jsonish(r)) + "." + valid.getFirst().split("\\.")[2];
            assertThat(check(token, seed)).as("seed %d accepted random JSON", seed).isFalse();
        }
    }

    @Test
    void mutatedValidTokensAreRejectedOnlyWithSvidExceptions() {
        for (String token : valid) {
            assertThat(check(token, -1)).as("the unmutated token verifies").isTrue();
        }
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED * 17 + i;
            Random r = new Random(seed);
            String original = valid.get(r.nextInt(valid.size()));
            String mutated = mutate(original, r);
            if (check(mutated, seed) && !mutated.equals(original)) {
                fail("seed " + seed + ": a mutated token was accepted");
            }
        }
    }

    @Test
    void resignedRandomHeadersAndClaimsOnlyRaiseSvidExceptions() {
        String[] headerValues = {"\"ES256\"", "\"k-es\"", "\"JWT\"", "\"none\"", "null", "1", "[]", "{}", "\"\"",
                "true", "-1e400", "\"k-rs\"", "[\"ES256\"]"};
        String[] claimValues = {"\"spiffe://example.org/w\"", "\"svc\"", "[\"svc\"]", "[\"svc\",1]", "[]", "null",
                String.valueOf(NOW.getEpochSecond() + 60), "1e400", "-9223372036854775809", "9223372036854775807",
                "\"123\"", "{}", "[[\"svc\"]]", "1.5", "true", "\"spiffe://other.org/w\""};
        String[] headerNames = {"alg", "kid", "typ", "crit", "x5u"};
        String[] claimNames = {"sub", "aud", "exp", "nbf", "iat", "jti", "iss"};
        for (int i = 0; i < 3_000; i++) {
            long seed = BASE_SEED * 7 + i;
            Random r = new Random(seed);
            StringBuilder h = new StringBuilder("{\"alg\":\"ES256\",\"kid\":\"k-es\"");
            for (int k = r.nextInt(3); k > 0; k--) {
                h.append(",\"").append(pick(headerNames, r)).append("\":").append(pick(headerValues, r));
            }
            StringBuilder c = new StringBuilder("{\"sub\":\"spiffe://example.org/w\",\"aud\":\"svc\",\"exp\":")
                    .append(NOW.getEpochSecond() + 300);
            for (int k = r.nextInt(4); k > 0; k--) {
                c.append(",\"").append(pick(claimNames, r)).append("\":").append(pick(claimValues, r));
            }
            check(es.signRaw(h.append('}').toString(), c.append('}').toString()), seed);
        }
    }

    /** Returns whether the token verified; fails the test on any exception but the library's rejections. */
    private boolean check(String token, long seed) {
        try {
            verifier.verify(token, bundle, AUD);
            return true;
        } catch (SvidException | BundleNotFoundException expected) {
            assertThat(expected.reason()).isNotNull();
            return false;
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ": unexpected " + t.getClass().getName(), t);
        }
    }

    private static String mutate(String token, Random r) {
        String out = token;
        for (int ops = 1 + r.nextInt(3); ops > 0 && !out.isEmpty(); ops--) {
            String[] parts = out.split("\\.", -1);
            int pos = r.nextInt(out.length());
            out = switch (r.nextInt(7)) {
                case 0 -> out.substring(0, pos) + (char) (out.charAt(pos) ^ (1 << r.nextInt(7))) + out.substring(pos + 1);
                case 1 -> out.substring(0, pos);
                case 2 -> parts.length == 3 ? String.join(".", parts[r.nextInt(3)], parts[r.nextInt(3)], parts[r.nextInt(3)]) : out;
                case 3 -> parts.length == 3 ? editSegment(parts, 0, r) : out;
                case 4 -> parts.length == 3 ? editSegment(parts, 1, r) : out;
                case 5 -> out.substring(0, pos) + B64.charAt(r.nextInt(B64.length())) + out.substring(pos);
                default -> out + "." + out.substring(pos);
            };
        }
        return out;
    }

    // Decodes a segment, edits its JSON text, and re-encodes it canonically so the edit reaches the JSON parser.
    private static String editSegment(String[] parts, int index, Random r) {
        String json = new Base64URL(parts[index]).decodeToString();
        if (json.isEmpty()) {
            return String.join(".", parts);
        }
        int pos = r.nextInt(json.length());
        String edited = switch (r.nextInt(3)) {
            case 0 -> json.substring(0, pos) + JSONISH.charAt(r.nextInt(JSONISH.length())) + json.substring(pos + 1);
            case 1 -> json.substring(0, pos) + json.substring(Math.min(json.length(), pos + 1 + r.nextInt(8)));
            default -> json.substring(0, pos) + JSONISH.charAt(r.nextInt(JSONISH.length())) + json.substring(pos);
        };
        String[] copy = parts.clone();
        copy[index] = b64(edited);
        return String.join(".", copy);
    }

    private static String jsonish(Random r) {
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(80); n > 0; n--) {
            b.append(JSONISH.charAt(r.nextInt(JSONISH.length())));
        }
        return b.toString();
    }

    private static String pick(String[] values, Random r) {
        return values[r.nextInt(values.length)];
    }

    private static String b64(String s) {
        return Base64URL.encode(s).toString();
    }
}
