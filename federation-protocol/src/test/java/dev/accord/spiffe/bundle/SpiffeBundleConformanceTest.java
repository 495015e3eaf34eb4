package dev.accord.spiffe.bundle;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.jwt.JwtBundle;
import dev.accord.spiffe.bundle.jwt.JwtBundleSet;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundleSet;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.bundle.x509.X509BundleSet;
import dev.accord.spiffe.internal.Json;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static dev.accord.spiffe.bundle.Jwks.doc;
import static dev.accord.spiffe.bundle.Jwks.jwt;
import static dev.accord.spiffe.bundle.Jwks.raw;
import static dev.accord.spiffe.bundle.Jwks.set;
import static dev.accord.spiffe.bundle.Jwks.with;
import static dev.accord.spiffe.bundle.Jwks.x509;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Walks the bundle items (BN01–BN14) of shared/conformance/SPIFFE-CHECKLIST.md against
 * SPIFFE_Trust_Domain_and_Bundle.md §4, X509-SVID.md §6 and JWT-SVID.md §6.
 */
class SpiffeBundleConformanceTest {

    private static final TrustDomain TD = new TrustDomain("example.org");
    private static final TestCa CA = TestCa.create("example.org");
    private static final KeyPair EC = TestCa.Keys.ec("secp256r1");

    private static SpiffeBundle parse(byte[] doc) {
        return SpiffeBundle.parse(TD, doc);
    }

    private static void rejects(byte[] doc, Reason reason) {
        assertThatThrownBy(() -> parse(doc)).isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).reason()).isEqualTo(reason));
    }

    static Stream<Arguments> bn01_documentMustBeAJwkSet() {
        return Stream.of(
                argumentSet("array document", raw("[]")),
                argumentSet("string document", raw("\"keys\"")),
                argumentSet("number document", raw("42")),
                argumentSet("object without keys", raw("{}")),
                argumentSet("keys is an object", raw("{\"keys\":{}}")),
                argumentSet("keys is a string", raw("{\"keys\":\"[]\"}")),
                argumentSet("keys is null", raw("{\"keys\":null}")),
                argumentSet("key element is a string", raw("{\"keys\":[\"k\"]}")),
                argumentSet("not JSON", raw("<html>bundle</html>")),
                argumentSet("empty input", raw("")),
                argumentSet("trailing data", raw("{\"keys\":[]} {}")),
                argumentSet("duplicate member", raw("{\"keys\":[],\"keys\":[]}")),
                argumentSet("single quotes", raw("{'keys':[]}")),
                argumentSet("unquoted name", raw("{keys:[]}")),
                argumentSet("comment", raw("{\"keys\":[] /* c */}")),
                argumentSet("not UTF-8", new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}),
                argumentSet("deep nesting", raw("{\"keys\":[],\"x\":" + "[".repeat(100) + "]".repeat(100) + "}")));
    }

    @ParameterizedTest
    @MethodSource
    void bn01_documentMustBeAJwkSet(byte[] doc) {
        rejects(doc, Reason.MALFORMED_BUNDLE);
    }

    @Test
    void bn01_acceptsAJwkSetWithUnknownTopLevelMembers() {
        SpiffeBundle b = parse(raw("{\"keys\":[],\"issuer\":\"x\",\"extra\":{\"a\":[1,2.5,true,null]}}"));
        assertThat(b.isEmpty()).isTrue();
    }

    static Stream<Arguments> bn02_invalidSequence() {
        return Stream.of(argumentSet("string", "\"1\""), argumentSet("negative", "-1"),
                argumentSet("fraction", "1.5"), argumentSet("exponent", "1e2"), argumentSet("null", "null"),
                argumentSet("beyond 2^63-1", "9223372036854775808"), argumentSet("boolean", "true"));
    }

    @ParameterizedTest
    @MethodSource
    void bn02_invalidSequence(String value) {
        rejects(raw("{\"keys\":[],\"spiffe_sequence\":" + value + "}"), Reason.INVALID_SEQUENCE);
    }

    @Test
    void bn02_sequenceIsOptionalAndNonNegative() {
        assertThat(parse(raw("{\"keys\":[]}")).sequence()).isEmpty();
        assertThat(parse(raw("{\"keys\":[],\"spiffe_sequence\":0}")).sequence()).hasValue(0);
        assertThat(parse(raw("{\"keys\":[],\"spiffe_sequence\":9223372036854775807}")).sequence())
                .hasValue(Long.MAX_VALUE);
    }

    static Stream<Arguments> bn03_invalidRefreshHint() {
        return Stream.of(argumentSet("zero", "0"), argumentSet("negative", "-300"), argumentSet("string", "\"300\""),
                argumentSet("fraction", "0.5"), argumentSet("null", "null"), argumentSet("object", "{}"));
    }

    @ParameterizedTest
    @MethodSource
    void bn03_invalidRefreshHint(String value) {
        rejects(raw("{\"keys\":[],\"spiffe_refresh_hint\":" + value + "}"), Reason.INVALID_REFRESH_HINT);
    }

    @Test
    void bn03_refreshHintIsOptionalPositiveSeconds() {
        assertThat(parse(raw("{\"keys\":[]}")).refreshHint()).isEmpty();
        assertThat(parse(raw("{\"keys\":[],\"spiffe_refresh_hint\":300}")).refreshHint())
                .contains(Duration.ofMinutes(5));
    }

    @Test
    void bn04_elementsWithUnknownOrMissingKtyOrUseAreIgnored() {
        Map<String, Object> good = jwt("good", EC.getPublic());
        SpiffeBundle b = parse(set(
                with(jwt("no-kty", EC.getPublic()), "kty", null),
                with(jwt("okp", EC.getPublic()), "kty", "OKP"),
                with(jwt("lower-kty", EC.getPublic()), "kty", "ec"),
                with(jwt("no-use", EC.getPublic()), "use", null),
                with(jwt("enc", EC.getPublic()), "use", "enc"),
                with(jwt("upper-use", EC.getPublic()), "use", "JWT-SVID"),
                with(x509(CA.certificate()), "use", "X509-SVID"),
                with(jwt("use-number", EC.getPublic()), "use", 1),
                good));
        assertThat(b.jwtAuthorities()).containsOnlyKeys("good");
        assertThat(b.x509Authorities()).isEmpty();
    }

    @Test
    void bn05_x509EntryWithoutCertificatesIsIgnoredAndOnlyTheFirstCertificateCounts() {
        TestCa other = TestCa.create("example.org");
        SpiffeBundle b = parse(set(
                with(x509(CA.certificate()), "x5c", null),
                with(x509(CA.certificate()), "x5c", List.of()),
                x509(CA.certificate(), other.certificate())));
        assertThat(b.x509Authorities()).containsExactly(CA.certificate());
    }

    @Test
    void bn05_publishedX509EntriesHaveExactlyOneCertificateAndNoKid() {
        byte[] out = SpiffeBundle.of(TD, List.of(CA.certificate()), Map.of()).marshal();
        Map<?, ?> doc = (Map<?, ?>) Json.parse(new String(out, StandardCharsets.UTF_8));
        Map<?, ?> key = (Map<?, ?>) ((List<?>) doc.get("keys")).getFirst();
        assertThat(key.get("use")).isEqualTo("x509-svid");
        assertThat((List<?>) key.get("x5c")).hasSize(1);
        assertThat(key.containsKey("kid")).isFalse();
    }

    @Test
    void bn06_x509AuthorityMustBeACaWhoseKeyMatchesTheJwk() {
        X509Certificate leaf = CA.issueSvid("spiffe://example.org/w").chain().getFirst();
        rejects(set(x509(leaf)), Reason.NOT_A_CA);
        Map<String, Object> mismatched = new LinkedHashMap<>(x509(CA.certificate()));
        mismatched.putAll(dev.accord.spiffe.internal.JwkKeys.toJwk(EC.getPublic()));
        rejects(set(mismatched), Reason.KEY_MISMATCH);
        rejects(set(with(x509(CA.certificate()), "x5c", List.of("bm90IGEgY2VydA=="))), Reason.MALFORMED_CERTIFICATE);
        rejects(set(with(x509(CA.certificate()), "x5c", List.of("***"))), Reason.INVALID_KEY);
        assertThat(parse(set(x509(CA.certificate()))).x509Authorities()).containsExactly(CA.certificate());
        assertThatThrownBy(() -> SpiffeBundle.of(TD, List.of(leaf), Map.of()))
                .isInstanceOf(BundleException.class);
    }

    @Test
    void bn07_jwtEntryRequiresANonEmptyKid() {
        rejects(set(jwt(null, EC.getPublic())), Reason.MISSING_KID);
        rejects(set(jwt("", EC.getPublic())), Reason.MISSING_KID);
        rejects(set(with(jwt("x", EC.getPublic()), "kid", 7)), Reason.MISSING_KID);
        assertThat(parse(set(jwt("k1", EC.getPublic()))).jwtAuthorities()).containsOnlyKeys("k1");
    }

    @Test
    void bn08_jwtKidsAreUnique() {
        rejects(set(jwt("k1", EC.getPublic()), jwt("k1", TestCa.Keys.ec("secp256r1").getPublic())),
                Reason.DUPLICATE_KID);
        assertThat(parse(set(jwt("k1", EC.getPublic()), jwt("k2", EC.getPublic()))).jwtAuthorities()).hasSize(2);
    }

    @Test
    void bn09_emptyOrUnusableKeysMeanNoAuthorities() {
        SpiffeBundle empty = parse(raw("{\"keys\":[]}"));
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.x509Bundle().authorities()).isEmpty();
        assertThat(empty.jwtBundle().findAuthority("any")).isEmpty();
        assertThat(parse(set(with(jwt("k", EC.getPublic()), "use", "enc"))).isEmpty()).isTrue();
        rejects(raw("{\"spiffe_sequence\":1}"), Reason.MALFORMED_BUNDLE);
    }

    static Stream<Arguments> bn10_supportedKeys() {
        return Stream.of(argumentSet("EC P-256", TestCa.Keys.ec("secp256r1")),
                argumentSet("EC P-384", TestCa.Keys.ec("secp384r1")),
                argumentSet("EC P-521", TestCa.Keys.ec("secp521r1")),
                argumentSet("RSA 2048", TestCa.Keys.rsa(2048)),
                argumentSet("RSA 3072", TestCa.Keys.rsa(3072)));
    }

    @ParameterizedTest
    @MethodSource
    void bn10_supportedKeys(KeyPair kp) {
        SpiffeBundle b = parse(set(jwt("k", kp.getPublic())));
        assertThat(dev.accord.spiffe.internal.JwkKeys.sameKey(b.jwtAuthorities().get("k"), kp.getPublic())).isTrue();
        TestCa ca = TestCa.create("example.org");
        X509Certificate cert = ca.issue(dev.accord.spiffe.testing.CertSpec.ca("spiffe://example.org").keyPair(kp), kp);
        assertThat(parse(set(x509(cert))).x509Authorities()).containsExactly(cert);
    }

    @Test
    void bn10_unsupportedCurvesSizesAndBadPointsAreRejected() {
        Map<String, Object> p256 = jwt("k", EC.getPublic());
        rejects(set(with(p256, "crv", "secp256k1")), Reason.UNSUPPORTED_KEY_TYPE);
        rejects(set(with(p256, "crv", null)), Reason.UNSUPPORTED_KEY_TYPE);
        rejects(set(jwt("k", TestCa.Keys.rsa(1024).getPublic())), Reason.UNSUPPORTED_KEY_TYPE);
        String x = (String) p256.get("x");
        String flipped = (x.charAt(3) == 'A' ? 'B' : 'A') + "";
        rejects(set(with(p256, "x", x.substring(0, 3) + flipped + x.substring(4))), Reason.INVALID_KEY);
        rejects(set(with(p256, "y", null)), Reason.INVALID_KEY);
        rejects(set(with(jwt("r", TestCa.Keys.rsa(2048).getPublic()), "n", "!!")), Reason.INVALID_KEY);
    }

    @Test
    void bn11_emptyBundleIsRepresentable() {
        SpiffeBundle empty = SpiffeBundle.of(TD, List.of(), Map.of()).withSequence(3);
        assertThat(empty.isEmpty()).isTrue();
        assertThat(parse(empty.marshal())).isEqualTo(empty);
    }

    @Test
    void bn12_roundTripIsLosslessAndOrderDoesNotMatter() {
        TestCa second = TestCa.create("example.org");
        Map<String, PublicKey> jwt = new LinkedHashMap<>();
        jwt.put("ec256", EC.getPublic());
        jwt.put("ec384", TestCa.Keys.ec("secp384r1").getPublic());
        jwt.put("rsa", TestCa.Keys.rsa(2048).getPublic());
        SpiffeBundle b = new SpiffeBundle(TD, List.of(CA.certificate(), second.certificate()), jwt,
                OptionalLong.of(7), java.util.Optional.of(Duration.ofSeconds(600)));
        SpiffeBundle back = parse(b.marshal());
        assertThat(back).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(back.marshal()).isEqualTo(b.marshal());
        assertThat(back.digest()).isEqualTo(b.digest());

        // Reorder keys and top-level members: still the same bundle.
        Map<?, ?> doc = (Map<?, ?>) Json.parse(new String(b.marshal(), StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = new ArrayList<>((List<Map<String, Object>>) doc.get("keys"));
        Collections.reverse(keys);
        List<Map<String, Object>> reordered = keys.stream().map(k -> {
            List<String> names = new ArrayList<>(k.keySet());
            Collections.reverse(names);
            Map<String, Object> r = new LinkedHashMap<>();
            names.forEach(n -> r.put(n, k.get(n)));
            return r;
        }).toList();
        Map<String, Object> d2 = new LinkedHashMap<>();
        d2.put("spiffe_refresh_hint", 600);
        d2.put("spiffe_sequence", 7);
        d2.put("keys", reordered);
        SpiffeBundle again = parse(Json.write(d2).getBytes(StandardCharsets.UTF_8));
        assertThat(again).isEqualTo(b);
        assertThat(again.digest()).isEqualTo(b.digest());
        assertThat(again.withSequence(8)).isNotEqualTo(b);
        assertThat(again.withRefreshHint(Duration.ofSeconds(60))).isNotEqualTo(b);
        assertThat(again.withJwtAuthorities(Map.of("ec256", EC.getPublic()))).isNotEqualTo(b);
    }

    @Test
    void bn13_privateKeyMembersAreRejected() {
        for (String member : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k")) {
            rejects(set(with(jwt("k1", EC.getPublic()), member, "AAAA")), Reason.PRIVATE_KEY_MATERIAL);
        }
        // Even in an element that would otherwise be ignored: private material must never be accepted silently.
        rejects(set(with(with(jwt("k1", EC.getPublic()), "use", "enc"), "d", "AAAA")), Reason.PRIVATE_KEY_MATERIAL);
        rejects(raw("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}"), Reason.PRIVATE_KEY_MATERIAL);
    }

    @Test
    void bn14_bundleSetsLookUpByTrustDomainOnly() {
        TrustDomain other = new TrustDomain("other.org");
        TestCa otherCa = TestCa.create("other.org");
        SpiffeBundle mine = SpiffeBundle.of(TD, List.of(CA.certificate()), Map.of("k", EC.getPublic()));
        SpiffeBundle theirs = SpiffeBundle.of(other, List.of(otherCa.certificate()), Map.of());
        SpiffeBundleSet set = SpiffeBundleSet.of(List.of(mine, theirs));
        assertThat(set.bundleFor(TD).authorities()).containsExactly(CA.certificate());
        assertThat(set.bundleFor(other).authorities()).containsExactly(otherCa.certificate());
        assertThat(set.jwtSource().bundleFor(TD).findAuthority("k")).isPresent();
        assertThatThrownBy(() -> set.jwtSource().bundleFor(other).findAuthority("k").orElseThrow())
                .isInstanceOf(java.util.NoSuchElementException.class);
        TrustDomain unknown = new TrustDomain("unknown.org");
        assertThatThrownBy(() -> set.bundleFor(unknown)).isInstanceOf(BundleNotFoundException.class);
        assertThat(set.without(other).find(other)).isEmpty();
        assertThatThrownBy(() -> SpiffeBundleSet.of(List.of(mine, mine.withSequence(2))))
                .isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).reason()).isEqualTo(Reason.DUPLICATE_TRUST_DOMAIN));
        assertThatThrownBy(() -> new SpiffeBundleSet(Map.of(other, mine))).isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).reason()).isEqualTo(Reason.TRUST_DOMAIN_MISMATCH));

        X509BundleSet x = X509BundleSet.of(List.of(mine.x509Bundle(), theirs.x509Bundle()));
        assertThat(x.bundleFor(other).trustDomain()).isEqualTo(other);
        assertThatThrownBy(() -> x.bundleFor(unknown)).isInstanceOf(BundleNotFoundException.class);
        JwtBundleSet j = JwtBundleSet.of(List.of(mine.jwtBundle()));
        assertThat(j.find(TD)).map(JwtBundle::trustDomain).contains(TD);
        assertThatThrownBy(() -> j.bundleFor(other)).isInstanceOf(BundleNotFoundException.class);
        assertThatThrownBy(() -> mine.bundleFor(other)).isInstanceOf(BundleNotFoundException.class);
        assertThat(mine.x509Bundle().bundleFor(TD)).isEqualTo(mine.x509Bundle());
    }

    @Test
    void x509BundleParsesAndMarshalsPem() {
        TestCa second = TestCa.create("example.org");
        X509Bundle b = X509Bundle.of(TD, List.of(CA.certificate(), second.certificate()));
        assertThat(X509Bundle.parse(TD, b.marshal())).isEqualTo(b);
        assertThatThrownBy(() -> X509Bundle.parse(TD, raw("no pem here"))).isInstanceOf(BundleException.class);
        assertThatThrownBy(() -> X509Bundle.parse(TD,
                raw("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")))
                .isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).reason()).isEqualTo(Reason.PRIVATE_KEY_MATERIAL));
        X509Certificate leaf = CA.issueSvid("spiffe://example.org/w").chain().getFirst();
        assertThatThrownBy(() -> X509Bundle.parse(TD, X509Bundle.of(TD, List.of(leaf)).marshal()))
                .isInstanceOf(BundleException.class);
    }

    @Test
    void jwtBundleParsesOnlyJwtKeys() {
        byte[] doc = set(x509(CA.certificate()), jwt("k1", EC.getPublic()));
        JwtBundle b = JwtBundle.parse(TD, doc);
        assertThat(b.authorities()).containsOnlyKeys("k1");
        assertThat(JwtBundle.parse(TD, b.marshal()).authorities()).containsOnlyKeys("k1");
    }
}
