package dev.accord.broker.ops;

import dev.accord.broker.bundlesync.BundleStore;
import dev.accord.broker.bundlesync.BundleSyncService;
import dev.accord.broker.bundlesync.RefreshStateRow;
import dev.accord.broker.bundlesync.SyncStateRepository;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus text exposition at {@code /metrics}: Micrometer's JVM and HTTP meters, refresh counts by outcome
 * ({@code accord_bundle_refresh_total}), and per member the bundle age, staleness, failure streak and sequence.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class MetricsController {

    private final PrometheusMeterRegistry registry;
    private final BundleStore store;
    private final SyncStateRepository states;
    private final BundleSyncService sync;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    MetricsController(PrometheusMeterRegistry registry, BundleStore store, SyncStateRepository states, BundleSyncService sync) {
        this.registry = registry;
        this.store = store;
        this.states = states;
        this.sync = sync;
    }

    @Get(uri = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    HttpResponse<String> metrics() {
        Instant now = Instant.now();
        for (RefreshStateRow s : states.findAll().collectList().block()) {
            TrustDomain td = new TrustDomain(s.trustDomain());
            Optional<BundleStore.Served> served = store.served(td);
            Optional<SpiffeBundle> held = served.map(BundleStore.Served::bundle);
            gauge("accord.bundle.age.seconds", td, "seconds since the served bundle was fetched")
                    .set(served.map(b -> Duration.between(b.fetchedAt(), now).toSeconds()).orElse(-1L));
            gauge("accord.bundle.stale", td, "1 when the member is stale or failing")
                    .set("fresh".equals(sync.status(s, held)) ? 0 : 1);
            gauge("accord.bundle.consecutive.failures", td, "failed refreshes in a row").set(s.consecutiveFailures());
            gauge("accord.bundle.sequence", td, "spiffe_sequence of the served bundle")
                    .set(held.flatMap(b -> b.sequence().isPresent() ? Optional.of(b.sequence().getAsLong()) : Optional.empty())
                            .orElse(-1L));
        }
        return HttpResponse.ok(registry.scrape());
    }

    private AtomicLong gauge(String name, TrustDomain td, String help) {
        return gauges.computeIfAbsent(name + "|" + td.name(), k -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(name, v, AtomicLong::doubleValue).description(help).tag("trust_domain", td.name()).register(registry);
            return v;
        });
    }
}
