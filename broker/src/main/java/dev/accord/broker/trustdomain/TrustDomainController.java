package dev.accord.broker.trustdomain;

import dev.accord.broker.bundlesync.BundleStore;
import dev.accord.broker.bundlesync.BundleSyncService;
import dev.accord.broker.bundlesync.HistoryView;
import dev.accord.broker.bundlesync.RefreshStateRow;
import dev.accord.broker.bundlesync.SyncStateRepository;
import dev.accord.broker.support.Problems;
import dev.accord.broker.support.RequestFacts;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Admin API of member trust domains: register, list, get (with sync status), update, delete, history, refresh. */
@Controller("/v1/trust-domains")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TrustDomainController {

    private final TrustDomainService service;
    private final TrustDomainRepository repo;
    private final SyncStateRepository states;
    private final BundleStore store;
    private final BundleSyncService sync;
    private final HistoryView history;

    TrustDomainController(TrustDomainService service, TrustDomainRepository repo, SyncStateRepository states,
                          BundleStore store, BundleSyncService sync, HistoryView history) {
        this.service = service;
        this.repo = repo;
        this.states = states;
        this.store = store;
        this.sync = sync;
        this.history = history;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> create(HttpRequest<?> request, @Body Map<String, Object> body) {
        TrustDomainRow row = service.create(body, RequestFacts.actor(request), RequestFacts.caller(request));
        return HttpResponse.created(view(row)).header("Location", "/v1/trust-domains/" + row.name());
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    Map<String, Object> list() {
        List<Map<String, Object>> items = repo.findAll().collectList().block().stream()
                .sorted(java.util.Comparator.comparing(TrustDomainRow::name)).map(this::view).toList();
        return Map.of("items", items);
    }

    @Get(uri = "/{name}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> get(String name) {
        return repo.findById(name).blockOptional().<HttpResponse<?>>map(r -> HttpResponse.ok(view(r)))
                .orElseGet(() -> notFound(name));
    }

    @Put(uri = "/{name}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> update(HttpRequest<?> request, String name, @Body Map<String, Object> body) {
        return service.update(name, body, RequestFacts.actor(request), RequestFacts.caller(request))
                .<HttpResponse<?>>map(r -> HttpResponse.ok(view(r))).orElseGet(() -> notFound(name));
    }

    @Delete(uri = "/{name}")
    HttpResponse<?> delete(HttpRequest<?> request, String name) {
        return service.delete(name, RequestFacts.actor(request), RequestFacts.caller(request))
                ? HttpResponse.noContent() : notFound(name);
    }

    @Get(uri = "/{name}/bundle-history", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> bundleHistory(String name) {
        if (repo.findById(name).blockOptional().isEmpty()) {
            return notFound(name);
        }
        return HttpResponse.ok(Map.of("items", history.of(name)));
    }

    /** Asks for a refresh as soon as possible (the next sync tick of whichever replica takes the lease). */
    @Post(uri = "/{name}/refresh", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> refresh(String name) {
        if (repo.findById(name).blockOptional().isEmpty()) {
            return notFound(name);
        }
        sync.refreshSoon(name);
        return HttpResponse.accepted().body(Map.of("name", name, "refresh", "scheduled"));
    }

    private Map<String, Object> view(TrustDomainRow r) {
        Map<String, Object> m = new LinkedHashMap<>(TrustDomainService.view(r));
        Optional<SpiffeBundle> held = store.served(new TrustDomain(r.name())).map(BundleStore.Served::bundle);
        Optional<RefreshStateRow> s = states.findById(r.name()).blockOptional();
        held.ifPresent(b -> {
            if (b.sequence().isPresent()) {
                m.put("bundleSequence", b.sequence().getAsLong());
            }
        });
        s.ifPresent(st -> {
            m.put("status", sync.status(st, held));
            m.put("lastRefreshAt", st.lastAttemptAt() == null ? null : st.lastAttemptAt().toString());
            m.put("lastSuccessAt", st.lastSuccessAt() == null ? null : st.lastSuccessAt().toString());
            m.put("nextRefreshAt", st.nextRefreshAt().toString());
            m.put("consecutiveFailures", st.consecutiveFailures());
            if (st.lastErrorReason() != null) {
                m.put("lastError", Map.of("reason", st.lastErrorReason(), "message", String.valueOf(st.lastError())));
            }
        });
        return m;
    }

    @Error(exception = TrustDomainService.Invalid.class)
    HttpResponse<?> invalid(TrustDomainService.Invalid e) {
        boolean conflict = e.getMessage().contains("already registered");
        return Problems.of(conflict ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST, conflict ? "conflict" : "invalid-trust-domain",
                conflict ? "Already registered" : "Invalid trust domain", e.getMessage(), Map.of("field", e.field()));
    }

    private static HttpResponse<?> notFound(String name) {
        return Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such trust domain", "trust domain " + name
                + " is not registered", null);
    }
}
