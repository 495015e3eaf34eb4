/**
 * SPIFFE bundles (SPIFFE_Trust_Domain_and_Bundle.md §4): a trust domain's X.509 and JWT authorities with
 * {@code spiffe_sequence} and {@code spiffe_refresh_hint}, read from and written to the JWK Set format.
 *
 * <pre>{@code
 * SpiffeBundle bundle = SpiffeBundle.parse(TrustDomain.parse("example.org"), jwksBytes);
 * bundle.sequence();                                  // OptionalLong
 * bundle.x509Bundle().authorities();                  // CA certificates for X509-SVIDs
 * bundle.jwtBundle().findAuthority("kid-1");          // public key for JWT-SVIDs
 * byte[] out = bundle.withSequence(8).marshal();      // lossless: parse(td, out) equals the bundle
 * SpiffeBundleSet set = SpiffeBundleSet.of(List.of(bundle, other));
 * set.bundleFor(td);                                  // never another domain's keys (FED §4.2)
 * }</pre>
 */
package dev.accord.spiffe.bundle.spiffe;
