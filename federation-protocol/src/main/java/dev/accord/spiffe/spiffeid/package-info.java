/**
 * SPIFFE IDs and trust domain names, parsed strictly as SPIFFE-ID.md §2 says.
 *
 * <pre>{@code
 * SpiffeId id = SpiffeId.parse("spiffe://example.org/ns/prod/sa/web");
 * TrustDomain td = id.trustDomain();                  // example.org
 * SpiffeId other = td.spiffeId("ns", "prod", "sa", "api");
 * TrustDomain.parse("spiffe://example.org");          // same as TrustDomain.parse("example.org")
 * try {
 *     SpiffeId.parse("spiffe://example.org/a/../b");
 * } catch (InvalidSpiffeIdException e) {
 *     e.reason();                                     // Reason.DOT_SEGMENT
 * }
 * }</pre>
 */
package dev.accord.spiffe.spiffeid;

