package dev.accord.spiffe.svid.jwt;

import dev.accord.spiffe.spiffeid.SpiffeId;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JwtSvid is a verified JWT-SVID. See JWT-SVID.md. Its {@code toString()} never contains the token.
 *
 * @param id the SPIFFE ID from {@code sub}
 * @param audience the {@code aud} values
 * @param expiry {@code exp}
 * @param keyId the {@code kid} that verified the signature
 * @param claims all claims, as parsed
 */
public record JwtSvid(SpiffeId id, List<String> audience, Instant expiry, String keyId, Map<String, Object> claims) {

    public JwtSvid {
        Objects.requireNonNull(id, "id");
        audience = List.copyOf(audience);
        Objects.requireNonNull(expiry, "expiry");
        claims = Map.copyOf(claims);
    }
}
