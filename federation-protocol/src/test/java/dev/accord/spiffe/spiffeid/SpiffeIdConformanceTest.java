package dev.accord.spiffe.spiffeid;

import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Walks the SPIFFE-ID items (ID01–ID16) of shared/conformance/SPIFFE-CHECKLIST.md; see SPIFFE-ID.md §2. */
class SpiffeIdConformanceTest {

    private static void rejects(String id, Reason reason) {
        assertThatThrownBy(() -> SpiffeId.parse(id)).isInstanceOf(InvalidSpiffeIdException.class)
                .satisfies(e -> assertThat(((InvalidSpiffeIdException) e).reason()).isEqualTo(reason));
    }

    static Stream<Arguments> id01Scheme() {
        return Stream.of(
                argumentSet("http scheme", "http://example.org/x"),
                argumentSet("https scheme", "https://example.org/x"),
                argumentSet("no scheme", "example.org/x"),
                argumentSet("scheme without slashes", "spiffe:example.org/x"),
                argumentSet("upper-case scheme (Accord: normalised form only)", "SPIFFE://example.org/x"),
                argumentSet("mixed-case scheme", "Spiffe://example.org/x"));
    }

    @ParameterizedTest
    @MethodSource
    void id01Scheme(String id) {
        rejects(id, Reason.INVALID_SCHEME);
    }

    @Test
    void id01_acceptsLowerCaseSpiffeScheme() {
        assertThat(SpiffeId.parse("spiffe://example.org/x").toString()).isEqualTo("spiffe://example.org/x");
    }

    @Test
    void id01_rejectsUpperCaseTrustDomainRatherThanLowercasing() {
        rejects("spiffe://Example.org/x", Reason.INVALID_TRUST_DOMAIN_CHAR);
    }

    @Test
    void id02_rejectsEmptyTrustDomain() {
        rejects("spiffe://", Reason.MISSING_TRUST_DOMAIN);
        rejects("spiffe:///path", Reason.MISSING_TRUST_DOMAIN);
        rejects("", Reason.EMPTY);
    }

    @Test
    void id03_acceptsEveryAllowedTrustDomainCharacter() {
        assertThat(SpiffeId.parse("spiffe://abcdefghijklmnopqrstuvwxyz0123456789.-_/x").trustDomain().name())
                .isEqualTo("abcdefghijklmnopqrstuvwxyz0123456789.-_");
    }

    @Test
    void id03_rejectsEveryOtherAsciiCharacterInTrustDomain() {
        String allowed = "abcdefghijklmnopqrstuvwxyz0123456789.-_";
        IntStream.range(0, 128).filter(c -> allowed.indexOf(c) < 0 && c != '/').forEach(c -> {
            String id = "spiffe://exa" + (char) c + "mple.org/x";
            assertThatThrownBy(() -> SpiffeId.parse(id)).as("char %d", c).isInstanceOf(InvalidSpiffeIdException.class);
            assertThatThrownBy(() -> new TrustDomain("exa" + (char) c + "mple.org")).as("td char %d", c)
                    .isInstanceOf(InvalidSpiffeIdException.class);
        });
        rejects("spiffe://exa%41mple.org/x", Reason.INVALID_TRUST_DOMAIN_CHAR);
        rejects("spiffe://exa mple.org/x", Reason.INVALID_TRUST_DOMAIN_CHAR);
        rejects("spiffe://exämple.org/x", Reason.INVALID_TRUST_DOMAIN_CHAR);
    }

    @Test
    void id04_rejectsUserinfo() {
        rejects("spiffe://user@example.org/x", Reason.USERINFO_NOT_ALLOWED);
        rejects("spiffe://user:pw@example.org/x", Reason.PORT_NOT_ALLOWED);
    }

    @Test
    void id05_rejectsPortAndColon() {
        rejects("spiffe://example.org:8080/x", Reason.PORT_NOT_ALLOWED);
        rejects("spiffe://example.org:/x", Reason.PORT_NOT_ALLOWED);
        assertThat(SpiffeId.parse("spiffe://example.org/x").trustDomain().name()).isEqualTo("example.org");
    }

    @Test
    void id06_rejectsQuery() {
        rejects("spiffe://example.org/x?y=1", Reason.QUERY_NOT_ALLOWED);
        rejects("spiffe://example.org?y=1", Reason.QUERY_NOT_ALLOWED);
    }

    @Test
    void id07_rejectsFragment() {
        rejects("spiffe://example.org/x#f", Reason.FRAGMENT_NOT_ALLOWED);
        rejects("spiffe://example.org#f", Reason.FRAGMENT_NOT_ALLOWED);
    }

    @Test
    void id08_pathIsOptional() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org");
        assertThat(id.path()).isEmpty();
        assertThat(id.isTrustDomainId()).isTrue();
        assertThat(id).isEqualTo(new TrustDomain("example.org").id());
    }

    @Test
    void id09_acceptsEveryAllowedPathCharacter() {
        String seg = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
        assertThat(SpiffeId.parse("spiffe://example.org/" + seg + "/x").path()).isEqualTo("/" + seg + "/x");
    }

    @Test
    void id09_rejectsEveryOtherAsciiCharacterInPath() {
        String allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/";
        IntStream.range(0, 128).filter(c -> allowed.indexOf(c) < 0).forEach(c -> {
            assertThatThrownBy(() -> SpiffeId.parse("spiffe://example.org/a" + (char) c + "b")).as("char %d", c)
                    .isInstanceOf(InvalidSpiffeIdException.class);
            assertThatThrownBy(() -> SpiffeId.fromSegments(new TrustDomain("example.org"), "a" + (char) c))
                    .as("segment char %d", c).isInstanceOf(InvalidSpiffeIdException.class);
        });
        rejects("spiffe://example.org/a%2Fb", Reason.INVALID_PATH_SEGMENT_CHAR);
        rejects("spiffe://example.org/caf\u00e9", Reason.INVALID_PATH_SEGMENT_CHAR);
    }

    @Test
    void id10_rejectsEmptySegment() {
        rejects("spiffe://example.org//x", Reason.EMPTY_SEGMENT);
        rejects("spiffe://example.org/a//b", Reason.EMPTY_SEGMENT);
        assertThatThrownBy(() -> SpiffeId.fromSegments(new TrustDomain("example.org"), "a", ""))
                .isInstanceOf(InvalidSpiffeIdException.class);
    }

    @Test
    void id11_rejectsDotSegments() {
        rejects("spiffe://example.org/a/./b", Reason.DOT_SEGMENT);
        rejects("spiffe://example.org/a/../b", Reason.DOT_SEGMENT);
        rejects("spiffe://example.org/..", Reason.DOT_SEGMENT);
        assertThat(SpiffeId.parse("spiffe://example.org/a/.../b").path()).isEqualTo("/a/.../b");
        assertThat(SpiffeId.parse("spiffe://example.org/.hidden").path()).isEqualTo("/.hidden");
    }

    @Test
    void id12_rejectsTrailingSlash() {
        rejects("spiffe://example.org/x/", Reason.TRAILING_SLASH);
        rejects("spiffe://example.org/", Reason.TRAILING_SLASH);
    }

    @Test
    void id13_acceptsIdsUpTo2048BytesAndRejectsLonger() {
        String prefix = "spiffe://example.org/";
        String exact = prefix + "a".repeat(2048 - prefix.length());
        assertThat(SpiffeId.parse(exact).toString()).hasSize(2048);
        rejects(exact + "a", Reason.TOO_LONG);
    }

    @Test
    void id14_acceptsTrustDomainsUpTo255BytesAndRejectsLonger() {
        String name = "a".repeat(255);
        assertThat(new TrustDomain(name).name()).hasSize(255);
        assertThat(SpiffeId.parse("spiffe://" + name + "/x").trustDomain().name()).hasSize(255);
        assertThatThrownBy(() -> new TrustDomain(name + "a")).isInstanceOf(InvalidSpiffeIdException.class)
                .satisfies(e -> assertThat(((InvalidSpiffeIdException) e).reason()).isEqualTo(Reason.TOO_LONG));
        rejects("spiffe://" + name + "a/x", Reason.TOO_LONG);
    }

    @Test
    void id15_equalityIsOnTheNormalisedString() {
        SpiffeId a = SpiffeId.parse("spiffe://example.org/ns/prod/sa/web");
        SpiffeId b = new TrustDomain("example.org").spiffeId("ns", "prod", "sa", "web");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).isEqualTo(b.toString());
        assertThat(a.trustDomain()).isEqualTo(TrustDomain.parse("example.org"));
        assertThat(a).isNotEqualTo(SpiffeId.parse("spiffe://example.org/ns/prod/sa/Web"));
        assertThat(a).isNotEqualTo(SpiffeId.parse("spiffe://example.com/ns/prod/sa/web"));
        assertThat(a.memberOf(new TrustDomain("example.org"))).isTrue();
        assertThat(a.memberOf(new TrustDomain("example.com"))).isFalse();
    }

    @Test
    void id16_trustDomainParsesFromNameAndIdFormButNotWithPath() {
        assertThat(TrustDomain.parse("example.org")).isEqualTo(TrustDomain.parse("spiffe://example.org"));
        assertThat(TrustDomain.parse("spiffe://example.org").idString()).isEqualTo("spiffe://example.org");
        assertThatThrownBy(() -> TrustDomain.parse("spiffe://example.org/x"))
                .isInstanceOf(InvalidSpiffeIdException.class)
                .satisfies(e -> assertThat(((InvalidSpiffeIdException) e).reason()).isEqualTo(Reason.PATH_NOT_ALLOWED));
        assertThatThrownBy(() -> TrustDomain.parse("https://example.org"))
                .isInstanceOf(InvalidSpiffeIdException.class);
        assertThatThrownBy(() -> TrustDomain.parse("")).isInstanceOf(InvalidSpiffeIdException.class);
    }
}
