package dev.accord.spiffe.svid.x509;

import dev.accord.spiffe.spiffeid.SpiffeId;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * X509Svid is a verified X509-SVID: its SPIFFE ID and the certificate path that was validated. See X509-SVID.md.
 *
 * @param id the SPIFFE ID from the leaf's single URI SAN
 * @param chain the validated path, leaf first, ending with the trusted root
 */
public record X509Svid(SpiffeId id, List<X509Certificate> chain) {

    public X509Svid {
        Objects.requireNonNull(id, "id");
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }
}
