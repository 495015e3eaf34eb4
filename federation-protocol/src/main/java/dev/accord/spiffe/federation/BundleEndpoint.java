package dev.accord.spiffe.federation;

import dev.accord.spiffe.spiffeid.TrustDomain;

import java.net.URI;
import java.util.Objects;

/**
 * BundleEndpoint is the configuration of one trust domain's bundle endpoint: the domain, the URL and the
 * profile. All three are configured, never inferred from the URL (SPIFFE_Federation.md §5.1, §7.2).
 *
 * @param trustDomain the trust domain whose bundle the endpoint serves
 * @param url the endpoint URL; must be {@code https} without userinfo
 * @param profile how the server is authenticated
 */
public record BundleEndpoint(TrustDomain trustDomain, URI url, BundleEndpointProfile profile) {

    public BundleEndpoint {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(profile, "profile");
    }
}
