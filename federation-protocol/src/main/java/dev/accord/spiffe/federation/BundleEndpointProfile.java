package dev.accord.spiffe.federation;

import dev.accord.spiffe.spiffeid.SpiffeId;

import java.util.Objects;

/**
 * BundleEndpointProfile is how a bundle endpoint server is authenticated (SPIFFE_Federation.md §5.2):
 * {@code https_web} (Web PKI) or {@code https_spiffe} (an X509-SVID with a configured SPIFFE ID).
 */
public sealed interface BundleEndpointProfile {

    /** The profile's name as the spec spells it. */
    String name();

    /** {@code https_web}: Web PKI server authentication (FED §5.2.1). */
    record HttpsWeb() implements BundleEndpointProfile {
        @Override
        public String name() {
            return "https_web";
        }
    }

    /**
     * {@code https_spiffe}: the server presents an X509-SVID whose ID equals {@code endpointId} (FED §5.2.2).
     *
     * @param endpointId the endpoint server's expected SPIFFE ID
     */
    record HttpsSpiffe(SpiffeId endpointId) implements BundleEndpointProfile {
        public HttpsSpiffe {
            Objects.requireNonNull(endpointId, "endpointId");
        }

        @Override
        public String name() {
            return "https_spiffe";
        }
    }
}
