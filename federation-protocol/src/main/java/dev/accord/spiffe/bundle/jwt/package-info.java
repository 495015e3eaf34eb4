/**
 * JWT bundles: the public keys (by {@code kid}) that verify one trust domain's JWT-SVIDs, and sets of them.
 *
 * <pre>{@code
 * JwtBundle b = JwtBundle.parse(td, jwksBytes);       // only use=jwt-svid keys
 * b.findAuthority("kid-1");                           // Optional<PublicKey>
 * JwtBundleSet set = JwtBundleSet.of(List.of(b));
 * }</pre>
 */
package dev.accord.spiffe.bundle.jwt;
