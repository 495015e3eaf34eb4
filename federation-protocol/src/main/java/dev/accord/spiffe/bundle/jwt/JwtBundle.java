package dev.accord.spiffe.bundle.jwt;

import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * JwtBundle is the set of JWT authorities (public keys by key ID) of one trust domain, used to verify
 * JWT-SVIDs of that domain. See SPIFFE_Trust_Domain_and_Bundle.md §3 and JWT-SVID.md §6.
 *
 * @param trustDomain the trust domain the authorities belong to
 * @param authorities public keys keyed by {@code kid}
 */
public record JwtBundle(TrustDomain trustDomain, Map<String, PublicKey> authorities) implements JwtBundleSource {

    public JwtBundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        authorities = Map.copyOf(authorities);
    }

    /** Returns a bundle of the given authorities. */
    public static JwtBundle of(TrustDomain trustDomain, Map<String, PublicKey> authorities) {
        return new JwtBundle(trustDomain, authorities);
    }

    /**
     * Parses the {@code jwt-svid} keys of a JWK Set (JWT-SVID.md §6); other entries are ignored.
     *
     * @throws dev.accord.spiffe.BundleException naming the rule the document breaks
     */
    public static JwtBundle parse(TrustDomain trustDomain, byte[] jwks) {
        return dev.accord.spiffe.bundle.spiffe.SpiffeBundle.parse(trustDomain, jwks).jwtBundle();
    }

    /** Encodes the authorities as a JWK Set with {@code use = jwt-svid}. */
    public byte[] marshal() {
        return dev.accord.spiffe.bundle.spiffe.SpiffeBundle.of(trustDomain, java.util.List.of(), authorities).marshal();
    }

    /** Returns the authority with key ID {@code kid}, if present. */
    public Optional<PublicKey> findAuthority(String kid) {
        return Optional.ofNullable(authorities.get(kid));
    }

    @Override
    public JwtBundle bundleFor(TrustDomain td) {
        if (!trustDomain.equals(td)) {
            throw new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND,
                    "no JWT bundle for trust domain \"" + td + "\"");
        }
        return this;
    }

    @Override
    public String toString() {
        return "JwtBundle[trustDomain=" + trustDomain + ", kids=" + authorities.keySet() + "]";
    }
}
