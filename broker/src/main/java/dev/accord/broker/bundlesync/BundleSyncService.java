package dev.accord.broker.bundlesync;

import dev.accord.broker.trustdomain.TrustDomainRepository;
import dev.accord.broker.trustdomain.TrustDomainRow;
import dev.accord.spiffe.FederationException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.federation.BundleEndpoint;
import dev.accord.spiffe.federation.BundleEndpointClient;
import dev.accord.spiffe.federation.BundleEndpointProfile;
import dev.accord.spiffe.federation.BundleUpdatePolicy;
import dev.accord.spiffe.federation.RefreshPolicy;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * BundleSyncService refreshes members' bundles. Each tick it looks for members whose refresh is due and takes each
 * one's lease row with a conditional UPDATE, so with several replicas exactly one refreshes a member at a time. A
 * fetched bundle replaces the stored one only if it parses, passed the profile's server authentication and does
 * not move the sequence backwards ({@link BundleUpdatePolicy}); otherwise the last good bundle stays and the
 * failure is recorded with its reason. Intervals follow the refresh hint within bounds, with jitter and backoff.
 */
@Singleton
public class BundleSyncService {

    private static final Logger LOG = LoggerFactory.getLogger(BundleSyncService.class);

    private final String owner = UUID.randomUUID().toString();
    private final SyncConfig config;
    private final TrustDomainRepository domains;
    private final BundleRepositories.MemberBundles bundles;
    private final BundleRepositories.History history;
    private final BundleRepositories.RefreshStates states;
    private final BundleStore store;
    private final BundleEndpointClient client;
    private final RefreshPolicy policy;
    private final MeterRegistry meters;
    private final RandomGenerator random = RandomGenerator.getDefault();

    BundleSyncService(SyncConfig config, TrustDomainRepository domains, BundleRepositories.MemberBundles bundles,
                      BundleRepositories.History history, BundleRepositories.RefreshStates states, BundleStore store,
                      MeterRegistry meters) {
        this.config = config;
        this.domains = domains;
        this.bundles = bundles;
        this.history = history;
        this.states = states;
        this.store = store;
        this.meters = meters;
        BundleEndpointClient.Builder b = BundleEndpointClient.builder().timeout(config.fetchTimeout())
                .maxBodyBytes(config.maxBundleBytes());
        if (config.webPkiRoots() != null && !config.webPkiRoots().isBlank()) {
            try {
                byte[] pem = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(config.webPkiRoots()));
                java.util.List<java.security.cert.X509Certificate> roots = new java.util.ArrayList<>();
                for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificates(new java.io.ByteArrayInputStream(pem))) {
                    roots.add((java.security.cert.X509Certificate) c);
                }
                b.webPkiRoots(roots);
            } catch (java.io.IOException | java.security.cert.CertificateException e) {
                throw new IllegalStateException("cannot read accord.sync.web-pki-roots: " + e.getMessage());
            }
        }
        this.client = b.build();
        this.policy = new RefreshPolicy(config.minInterval(), config.maxInterval(), config.defaultInterval(), config.jitter());
    }

    /** The replica's identity in lease rows. */
    public String owner() {
        return owner;
    }

    @Scheduled(fixedDelay = "${accord.sync.tick:2s}", initialDelay = "1s")
    void tick() {
        if (!config.enabled()) {
            return;
        }
        try {
            Instant now = Instant.now();
            for (RefreshStateRow due : states.findByNextRefreshAtLessThanEquals(now).collectList().block()) {
                Long claimed = states.claim(due.trustDomain(), owner, now.plus(config.lease()), now).block();
                if (claimed != null && claimed == 1) {
                    refresh(due.trustDomain());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("bundle sync tick failed: {}", e.getMessage());
        }
    }

    /** Fetches one member now (the caller holds its lease), records the outcome and releases the lease. */
    void refresh(String name) {
        TrustDomainRow member = domains.findById(name).block();
        RefreshStateRow state = states.findById(name).block();
        if (member == null || state == null) {
            return;
        }
        TrustDomain td = new TrustDomain(name);
        Optional<SpiffeBundle> held = store.served(td).map(BundleStore.Served::bundle);
        Instant now = Instant.now();
        try {
            SpiffeBundle fetched = client.fetch(endpoint(member), trustFor(member, held));
            switch (BundleUpdatePolicy.decide(held, fetched)) {
                case BundleUpdatePolicy.Decision.Accept a -> {
                    store(td, a.bundle(), now);
                    a.warning().ifPresent(w -> LOG.warn("member {}: {}", name, w));
                    success(state, a.bundle(), now);
                    count(name, "updated");
                }
                case BundleUpdatePolicy.Decision.Unchanged u -> {
                    success(state, held.get(), now);
                    count(name, "unchanged");
                }
                case BundleUpdatePolicy.Decision.Reject r -> failure(state, held, r.reason(), r.message(), now);
            }
        } catch (SpiffeException e) {
            failure(state, held, e.reason(), e.getMessage(), now);
        } catch (RuntimeException e) {
            failure(state, held, Reason.CONNECT_FAILED, e.toString(), now);
        }
        store.reload();
    }

    private void store(TrustDomain td, SpiffeBundle b, Instant now) {
        String jwks = new String(b.marshal(), StandardCharsets.UTF_8);
        Long seq = b.sequence().isPresent() ? b.sequence().getAsLong() : null;
        MemberBundleRow row = new MemberBundleRow(td.name(), jwks, seq, b.digest(), now);
        if (Boolean.TRUE.equals(bundles.existsById(td.name()).block())) {
            bundles.update(row).block();
        } else {
            bundles.save(row).block();
        }
        history.save(new BundleHistoryRow(null, td.name(), seq, b.digest(), now)).block();
        LOG.info("member {}: accepted bundle sequence {} ({} X.509, {} JWT authorities)", td, seq,
                b.x509Authorities().size(), b.jwtAuthorities().size());
    }

    private void success(RefreshStateRow s, SpiffeBundle b, Instant now) {
        Instant next = now.plus(policy.nextDelay(b.refreshHint(), 0, random));
        states.update(new RefreshStateRow(s.trustDomain(), "fresh", 0, now, now, null, null, next, null, null,
                s.refreshCount() + 1)).block();
    }

    private void failure(RefreshStateRow s, Optional<SpiffeBundle> held, Reason reason, String message, Instant now) {
        int failures = s.consecutiveFailures() + 1;
        Instant next = now.plus(policy.nextDelay(held.flatMap(SpiffeBundle::refreshHint), failures, random));
        String msg = message == null ? reason.name() : message.length() > 4000 ? message.substring(0, 4000) : message;
        states.update(new RefreshStateRow(s.trustDomain(), "failing", failures, now, s.lastSuccessAt(), reason.name(), msg,
                next, null, null, s.refreshCount() + 1)).block();
        count(s.trustDomain(), "failed");
        LOG.warn("member {}: refresh failed ({}): {}; the last good bundle stays served; next attempt at {}",
                s.trustDomain(), reason, msg, next);
    }

    private void count(String td, String outcome) {
        meters.counter("accord.bundle.refresh", "trust_domain", td, "outcome", outcome).increment();
    }

    static BundleEndpoint endpoint(TrustDomainRow m) {
        BundleEndpointProfile profile = "https_spiffe".equals(m.profile())
                ? new BundleEndpointProfile.HttpsSpiffe(SpiffeId.parse(m.endpointSpiffeId()))
                : new BundleEndpointProfile.HttpsWeb();
        return new BundleEndpoint(new TrustDomain(m.name()), URI.create(m.endpointUrl()), profile);
    }

    /**
     * FED §5.2.2: an https_spiffe endpoint is authenticated with the bundle held for the endpoint SPIFFE ID's trust
     * domain — the last good one, or the bootstrap bundle before the first fetch. The endpoint may live in another
     * member's trust domain; then that member's bundle is used.
     */
    private X509BundleSource trustFor(TrustDomainRow m, Optional<SpiffeBundle> held) {
        if (!"https_spiffe".equals(m.profile())) {
            return null;
        }
        TrustDomain endpointTd = SpiffeId.parse(m.endpointSpiffeId()).trustDomain();
        Optional<SpiffeBundle> own = endpointTd.equals(new TrustDomain(m.name())) ? held
                : store.served(endpointTd).map(BundleStore.Served::bundle);
        if (own.isPresent()) {
            return own.get();
        }
        if (m.bootstrapBundle() == null) {
            throw new FederationException(Reason.BUNDLE_NOT_FOUND, "no bundle held for " + endpointTd
                    + " to authenticate the https_spiffe endpoint, and no bootstrap bundle");
        }
        return SpiffeBundle.parse(endpointTd, m.bootstrapBundle().getBytes(StandardCharsets.UTF_8));
    }

    /** Makes {@code name} due now (after registration, or on an admin's request). */
    public void refreshSoon(String name) {
        states.findById(name).blockOptional().ifPresent(s -> states.update(new RefreshStateRow(s.trustDomain(), s.status(),
                s.consecutiveFailures(), s.lastAttemptAt(), s.lastSuccessAt(), s.lastErrorReason(), s.lastError(),
                Instant.now(), s.leaseOwner(), s.leaseUntil(), s.refreshCount())).block());
    }

    /** fresh | stale | failing | pending, as shown by the API. */
    public String status(RefreshStateRow s, Optional<SpiffeBundle> held) {
        if (s.consecutiveFailures() > 0) {
            return "failing";
        }
        if (s.lastSuccessAt() == null) {
            return "pending";
        }
        Duration interval = policy.baseInterval(held.flatMap(SpiffeBundle::refreshHint), 0);
        return s.lastSuccessAt().plus(interval.multipliedBy(config.staleAfter())).isBefore(Instant.now()) ? "stale" : "fresh";
    }
}
