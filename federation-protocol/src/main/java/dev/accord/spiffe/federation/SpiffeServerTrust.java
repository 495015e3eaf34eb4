package dev.accord.spiffe.federation;

import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.svid.x509.X509Svid;
import dev.accord.spiffe.svid.x509.X509SvidVerifier;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Authenticates an {@code https_spiffe} bundle endpoint server (SPIFFE_Federation.md §5.2.2): its certificate
 * chain must be a valid X509-SVID against the bundle held for the endpoint's trust domain, and its SPIFFE ID must
 * equal the configured endpoint SPIFFE ID. There is no host name check: the SPIFFE ID is the server's identity.
 */
final class SpiffeServerTrust extends X509ExtendedTrustManager {

    private final SpiffeId endpointId;
    private final X509BundleSource trust;
    private final X509SvidVerifier verifier;

    SpiffeServerTrust(SpiffeId endpointId, X509BundleSource trust, X509SvidVerifier verifier) {
        this.endpointId = endpointId;
        this.trust = trust;
        this.verifier = verifier;
    }

    /** A refused server certificate, carrying the library reason through the TLS stack. */
    static final class Refused extends CertificateException {
        private final Reason reason;

        Refused(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new Refused(Reason.TLS_FAILED, "the bundle endpoint presented no certificate", null);
        }
        X509Svid svid;
        try {
            svid = verifier.verify(Arrays.asList(chain), trust);
        } catch (SpiffeException e) {
            throw new Refused(Reason.TLS_FAILED, "the bundle endpoint's certificate is not a valid X509-SVID for "
                    + endpointId.trustDomain() + " (" + e.reason() + "): " + e.getMessage(), e);
        }
        // FED §5.2.2: the SVID must carry exactly the endpoint SPIFFE ID the operator configured.
        if (!svid.id().equals(endpointId)) {
            throw new Refused(Reason.ENDPOINT_ID_MISMATCH, "the bundle endpoint presented " + svid.id()
                    + " but " + endpointId + " is configured", null);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("client certificates are not used by the bundle endpoint client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("client certificates are not used by the bundle endpoint client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not used by the bundle endpoint client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
