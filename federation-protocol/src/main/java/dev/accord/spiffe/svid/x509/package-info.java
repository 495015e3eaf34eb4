/**
 * Package x509 verifies X509-SVIDs (X509-SVID.md): the leaf's single SPIFFE ID URI SAN, its key usage and
 * basic constraints, and RFC 5280 path validation to the X.509 bundle of the leaf's own trust domain.
 *
 * <pre>{@code
 * X509SvidVerifier verifier = X509SvidVerifier.create();          // system clock, 30 s skew; thread-safe
 * X509Svid svid = verifier.verify(peerChain, bundleSet);           // leaf first, then intermediates
 * SpiffeId caller = svid.id();                                     // never re-parse the SAN yourself
 * }</pre>
 *
 * Every rejection is an {@link dev.accord.spiffe.SvidException} whose {@link dev.accord.spiffe.Reason} names
 * the rule broken; a missing bundle is a {@link dev.accord.spiffe.BundleNotFoundException}.
 */
package dev.accord.spiffe.svid.x509;
