/**
 * X.509 bundles: the CA certificates that verify one trust domain's X509-SVIDs, and sets of them by domain.
 *
 * <pre>{@code
 * X509Bundle b = X509Bundle.parse(td, pemBytes);      // PEM CERTIFICATE blocks, CAs only
 * X509BundleSet set = X509BundleSet.of(List.of(b, otherDomainBundle));
 * set.find(td);                                       // Optional<X509Bundle>
 * set.bundleFor(td);                                  // throws BundleNotFoundException if absent
 * }</pre>
 */
package dev.accord.spiffe.bundle.x509;
