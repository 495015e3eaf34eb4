package dev.accord.spiffe.bundle.x509;

import dev.accord.spiffe.spiffeid.TrustDomain;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * X509Bundle is the set of X.509 authorities (root CA certificates) of one trust domain, used to
 * verify X509-SVIDs of that domain. See SPIFFE_Trust_Domain_and_Bundle.md §3 and X509-SVID.md §5.
 *
 * @param trustDomain the trust domain the authorities belong to
 * @param authorities the CA certificates; may be empty (then every SVID of the domain is invalid, TB §4.1.3)
 */
public record X509Bundle(TrustDomain trustDomain, List<X509Certificate> authorities) implements X509BundleSource {

    public X509Bundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        authorities = List.copyOf(authorities);
    }

    /** Returns a bundle of the given authorities. */
    public static X509Bundle of(TrustDomain trustDomain, List<X509Certificate> authorities) {
        return new X509Bundle(trustDomain, authorities);
    }

    /**
     * Parses PEM-encoded CA certificates (one or more {@code CERTIFICATE} blocks) into a bundle.
     *
     * @throws dev.accord.spiffe.BundleException MALFORMED_CERTIFICATE for undecodable input, NOT_A_CA for a
     *         certificate that is not a CA
     */
    public static X509Bundle parse(TrustDomain trustDomain, byte[] pem) {
        return new X509Bundle(trustDomain, dev.accord.spiffe.internal.Pem.certificates(pem, "X.509 bundle"));
    }

    /** Encodes the authorities as PEM {@code CERTIFICATE} blocks. */
    public byte[] marshal() {
        return dev.accord.spiffe.internal.Pem.encode(authorities);
    }

    /** Returns this bundle if it belongs to {@code td}; see {@link X509BundleSource#bundleFor}. */
    @Override
    public X509Bundle bundleFor(TrustDomain td) {
        if (!trustDomain.equals(td)) {
            throw new dev.accord.spiffe.BundleNotFoundException(dev.accord.spiffe.Reason.BUNDLE_NOT_FOUND,
                    "no X.509 bundle for trust domain \"" + td + "\"");
        }
        return this;
    }

    @Override
    public String toString() {
        return "X509Bundle[trustDomain=" + trustDomain + ", authorities=" + authorities.size() + "]";
    }
}
