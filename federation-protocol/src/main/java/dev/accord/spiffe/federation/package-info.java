/**
 * SPIFFE Federation (SPIFFE_Federation.md): fetching bundles from bundle endpoints with the {@code https_web} and
 * {@code https_spiffe} profiles, deciding when to poll again, and whether a fetched bundle may replace the held one.
 *
 * <pre>{@code
 * BundleEndpointClient client = BundleEndpointClient.builder().timeout(Duration.ofSeconds(10)).build();
 * BundleEndpoint ep = new BundleEndpoint(TrustDomain.parse("example.org"), URI.create("https://spire.example.org/bundle"),
 *         new BundleEndpointProfile.HttpsSpiffe(SpiffeId.parse("spiffe://example.org/spire/server")));
 * SpiffeBundle fetched = client.fetch(ep, held);          // held: the bootstrap bundle, then the last accepted one
 * switch (BundleUpdatePolicy.decide(Optional.of(held), fetched)) {
 *     case BundleUpdatePolicy.Decision.Accept a -> held = a.bundle();
 *     case BundleUpdatePolicy.Decision.Unchanged u -> { }
 *     case BundleUpdatePolicy.Decision.Reject r -> log(r.reason(), r.message());   // the held bundle stays
 * }
 * Duration next = RefreshPolicy.defaults().nextDelay(held.refreshHint(), 0, RandomGenerator.getDefault());
 * }</pre>
 */
package dev.accord.spiffe.federation;
