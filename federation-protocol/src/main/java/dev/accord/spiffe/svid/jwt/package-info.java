/**
 * Package jwt verifies JWT-SVIDs (JWT-SVID.md): compact JWS only, an allow-list of RS/ES/PS algorithms,
 * {@code alg}/{@code kid}/{@code typ} as the only headers, the key looked up by {@code kid} in the JWT bundle
 * of the subject's trust domain, and {@code sub}, {@code aud} and {@code exp} checked with a bounded skew.
 *
 * <pre>{@code
 * JwtSvidVerifier verifier = JwtSvidVerifier.create();            // system clock, 30 s skew, 16 KiB limit
 * JwtSvid svid = verifier.verify(bearerToken, jwtBundles, "spiffe://example.org/reports");
 * SpiffeId caller = svid.id();
 * Instant until = svid.expiry();
 * }</pre>
 *
 * Every rejection is an {@link dev.accord.spiffe.SvidException} whose {@link dev.accord.spiffe.Reason} names
 * the rule broken; a missing bundle is a {@link dev.accord.spiffe.BundleNotFoundException}. Neither ever
 * carries the token.
 */
package dev.accord.spiffe.svid.jwt;
