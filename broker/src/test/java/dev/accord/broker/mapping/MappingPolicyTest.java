package dev.accord.broker.mapping;

import dev.accord.spiffe.spiffeid.SpiffeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class MappingPolicyTest {

    private static final CloudTarget ROLE = new CloudTarget.Aws("arn:aws:iam::123456789012:role/payments", null, null, null);
    private static final CloudTarget OTHER_ROLE = new CloudTarget.Aws("arn:aws:iam::123456789012:role/other", null, null, null);

    private static Mapping mapping(String name, String kind, String pattern, CloudTarget target) {
        return new Mapping(UUID.randomUUID(), name, SpiffeIdMatcher.parse(kind, pattern), target, null);
    }

    private static SpiffeId id(String s) {
        return SpiffeId.parse(s);
    }

    static Stream<Arguments> matcherCases() {
        return Stream.of(
                argumentSet("exact hit", "exact", "spiffe://a.org/ns/web", "spiffe://a.org/ns/web", true),
                argumentSet("exact miss", "exact", "spiffe://a.org/ns/web", "spiffe://a.org/ns/web2", false),
                argumentSet("exact other domain", "exact", "spiffe://a.org/ns/web", "spiffe://b.org/ns/web", false),
                argumentSet("prefix self", "prefix", "spiffe://a.org/ns", "spiffe://a.org/ns", true),
                argumentSet("prefix child", "prefix", "spiffe://a.org/ns", "spiffe://a.org/ns/web", true),
                argumentSet("prefix not on segment boundary", "prefix", "spiffe://a.org/ns", "spiffe://a.org/nsx", false),
                argumentSet("prefix other domain", "prefix", "spiffe://a.org/ns", "spiffe://b.org/ns/web", false),
                argumentSet("prefix of whole domain", "prefix", "spiffe://a.org", "spiffe://a.org/anything/at/all", true),
                argumentSet("glob star in segment", "glob", "spiffe://a.org/ns/*/sa", "spiffe://a.org/ns/prod/sa", true),
                argumentSet("glob star does not cross /", "glob", "spiffe://a.org/ns/*", "spiffe://a.org/ns/a/b", false),
                argumentSet("glob partial star", "glob", "spiffe://a.org/web-*", "spiffe://a.org/web-1", true),
                argumentSet("glob partial star miss", "glob", "spiffe://a.org/web-*", "spiffe://a.org/api-1", false),
                argumentSet("glob double star", "glob", "spiffe://a.org/ns/**/sa", "spiffe://a.org/ns/x/y/sa", true),
                argumentSet("glob double star zero", "glob", "spiffe://a.org/ns/**/sa", "spiffe://a.org/ns/sa", true),
                argumentSet("glob other domain", "glob", "spiffe://a.org/**", "spiffe://b.org/x", false));
    }

    @ParameterizedTest
    @MethodSource("matcherCases")
    void matchersSelectIdsOfOneTrustDomain(String kind, String pattern, String candidate, boolean expected) {
        assertThat(SpiffeIdMatcher.parse(kind, pattern).matches(id(candidate))).isEqualTo(expected);
    }

    @Test
    void invalidMatchersAreRejectedWithTheField() {
        assertThatThrownBy(() -> SpiffeIdMatcher.parse("regex", "spiffe://a.org/x")).isInstanceOf(MappingException.class)
                .hasMessageContaining("exact, prefix or glob");
        assertThatThrownBy(() -> SpiffeIdMatcher.parse("exact", "spiffe://a.org/x/")).isInstanceOf(MappingException.class)
                .satisfies(e -> assertThat(((MappingException) e).field()).isEqualTo("match.pattern"));
        assertThatThrownBy(() -> SpiffeIdMatcher.parse("glob", "spiffe://a.org/a**")).isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> SpiffeIdMatcher.parse("glob", "https://a.org/*")).isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> SpiffeIdMatcher.parse("glob", "spiffe://a.org/a?")).isInstanceOf(MappingException.class);
    }

    @Test
    void denyByDefault() {
        MappingPolicy p = MappingPolicy.empty().withAdded(mapping("m", "prefix", "spiffe://a.org/payments", ROLE));
        assertThat(p.resolve(id("spiffe://a.org/web"), ROLE.resource())).isEqualTo(new MappingPolicy.Decision.NoMatch(true));
        assertThat(p.resolve(id("spiffe://a.org/payments/api"), OTHER_ROLE.resource()))
                .isEqualTo(new MappingPolicy.Decision.NoMatch(false));
        assertThat(MappingPolicy.empty().resolve(id("spiffe://a.org/x"), ROLE.resource()))
                .isInstanceOf(MappingPolicy.Decision.NoMatch.class);
    }

    @Test
    void mostSpecificMappingWins() {
        Mapping broad = mapping("broad", "prefix", "spiffe://a.org/payments", ROLE);
        Mapping glob = mapping("glob", "glob", "spiffe://a.org/payments/*/api", ROLE);
        Mapping exact = mapping("exact", "exact", "spiffe://a.org/payments/eu/api", ROLE);
        MappingPolicy p = MappingPolicy.empty().withAdded(broad).withAdded(glob).withAdded(exact);
        assertThat(p.resolve(id("spiffe://a.org/payments/eu/api"), ROLE.resource()))
                .isEqualTo(new MappingPolicy.Decision.Match(exact));
        assertThat(p.resolve(id("spiffe://a.org/payments/us/api"), ROLE.resource()))
                .isEqualTo(new MappingPolicy.Decision.Match(glob));
        assertThat(p.resolve(id("spiffe://a.org/payments/us/batch"), ROLE.resource()))
                .isEqualTo(new MappingPolicy.Decision.Match(broad));
        // Insertion order does not matter.
        MappingPolicy reversed = MappingPolicy.empty().withAdded(exact).withAdded(glob).withAdded(broad);
        assertThat(reversed.resolve(id("spiffe://a.org/payments/us/api"), ROLE.resource()))
                .isEqualTo(new MappingPolicy.Decision.Match(glob));
    }

    @Test
    void tiesAreRejectedAtCreation() {
        MappingPolicy p = MappingPolicy.empty().withAdded(mapping("g1", "glob", "spiffe://a.org/ns/*/eu", ROLE));
        assertThatThrownBy(() -> p.withAdded(mapping("g2", "glob", "spiffe://a.org/ns/eu/*", ROLE)))
                .isInstanceOf(MappingException.class).hasMessageContaining("ambiguous").hasMessageContaining("g1");
        // Same shape but disjoint literals, a different target or a different domain: no tie.
        p.withAdded(mapping("g3", "glob", "spiffe://a.org/ns/*/us", ROLE));
        p.withAdded(mapping("g4", "glob", "spiffe://a.org/ns/eu/*", OTHER_ROLE));
        p.withAdded(mapping("g5", "glob", "spiffe://b.org/ns/eu/*", ROLE));
        assertThatThrownBy(() -> p.withAdded(mapping("g1", "exact", "spiffe://a.org/z", ROLE)))
                .isInstanceOf(MappingException.class).hasMessageContaining("already exists");
        MappingPolicy prefixes = MappingPolicy.empty().withAdded(mapping("p1", "prefix", "spiffe://a.org/ns", ROLE));
        assertThatThrownBy(() -> prefixes.withAdded(mapping("p2", "prefix", "spiffe://a.org/ns", ROLE)))
                .isInstanceOf(MappingException.class);
        prefixes.withAdded(mapping("p3", "prefix", "spiffe://a.org/xy", ROLE));
    }

    @Test
    void storedTiesResolveAsAmbiguous() {
        Mapping a = mapping("a", "glob", "spiffe://a.org/ns/*/eu", ROLE);
        Mapping b = mapping("b", "glob", "spiffe://a.org/ns/eu/*", ROLE);
        MappingPolicy p = new MappingPolicy(List.of(a, b));
        assertThat(p.resolve(id("spiffe://a.org/ns/eu/eu"), ROLE.resource()))
                .isInstanceOf(MappingPolicy.Decision.Ambiguous.class);
        assertThat(p.resolve(id("spiffe://a.org/ns/us/eu"), ROLE.resource()))
                .isEqualTo(new MappingPolicy.Decision.Match(a));
    }

    @Test
    void awsTargetValidation() {
        assertThat(ROLE.audience()).isEqualTo("sts.amazonaws.com");
        assertThat(new CloudTarget.Aws("arn:aws-us-gov:iam::123456789012:role/path/to/r", Duration.ofHours(2),
                Map.of("team", "payments"), "custom-aud").audience()).isEqualTo("custom-aud");
        assertThatThrownBy(() -> new CloudTarget.Aws("arn:aws:iam::12345:role/x", null, null, null))
                .isInstanceOf(MappingException.class).hasMessageContaining("roleArn");
        assertThatThrownBy(() -> new CloudTarget.Aws("arn:aws:iam::123456789012:user/x", null, null, null))
                .isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> new CloudTarget.Aws(ROLE.resource(), Duration.ofMinutes(5), null, null))
                .isInstanceOf(MappingException.class).hasMessageContaining("900");
        assertThatThrownBy(() -> new CloudTarget.Aws(ROLE.resource(), Duration.ofHours(13), null, null))
                .isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> new CloudTarget.Aws(ROLE.resource(), null, Map.of("aws:x", "v"), null))
                .isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> new CloudTarget.Aws(ROLE.resource(), null, Map.of("k", "v".repeat(257)), null))
                .isInstanceOf(MappingException.class);
    }

    @Test
    void gcpAndAzureTargetValidation() {
        String provider = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/accord/providers/broker";
        CloudTarget.Gcp gcp = new CloudTarget.Gcp(provider, "payments@my-project.iam.gserviceaccount.com", null);
        assertThat(gcp.scopes()).containsExactly("https://www.googleapis.com/auth/cloud-platform");
        assertThat(gcp.audience()).isEqualTo(provider);
        assertThat(gcp.resource()).isEqualTo("//iam.googleapis.com/projects/-/serviceAccounts/payments@my-project.iam.gserviceaccount.com");
        assertThatThrownBy(() -> new CloudTarget.Gcp("projects/1/pools/x", gcp.serviceAccountEmail(), null))
                .isInstanceOf(MappingException.class).hasMessageContaining("providerResource");
        assertThatThrownBy(() -> new CloudTarget.Gcp(provider, "payments@gmail.com", null))
                .isInstanceOf(MappingException.class);
        assertThatThrownBy(() -> new CloudTarget.Gcp(provider, gcp.serviceAccountEmail(), List.of("cloud-platform")))
                .isInstanceOf(MappingException.class);

        CloudTarget.Azure az = new CloudTarget.Azure("72f988bf-86f1-41af-91ab-2d7cd011db47",
                "11111111-2222-3333-4444-555555555555", "https://graph.microsoft.com/.default");
        assertThat(az.audience()).isEqualTo("api://AzureADTokenExchange");
        assertThatThrownBy(() -> new CloudTarget.Azure("contoso", az.clientId(), az.scope()))
                .isInstanceOf(MappingException.class).hasMessageContaining("tenantId");
        assertThatThrownBy(() -> new CloudTarget.Azure(az.tenantId(), az.clientId(), "https://graph.microsoft.com/User.Read"))
                .isInstanceOf(MappingException.class).hasMessageContaining(".default");
    }
}
