package dev.accord.spiffe.federation;

import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;

/**
 * BundleEndpointClient fetches SPIFFE bundles from bundle endpoints (SPIFFE_Federation.md §5). Thread-safe.
 */
public final class BundleEndpointClient {

    /**
     * Fetches the bundle served at {@code endpoint}. For {@code https_spiffe}, {@code endpointTrust} supplies the
     * bundle of the endpoint SPIFFE ID's trust domain that authenticates the server; it is unused for
     * {@code https_web}.
     *
     * @throws dev.accord.spiffe.FederationException naming why the fetch failed
     */
    public SpiffeBundle fetch(BundleEndpoint endpoint, X509BundleSource endpointTrust) {
        throw new UnsupportedOperationException("BundleEndpointClient.fetch: not implemented yet");
    }
}
