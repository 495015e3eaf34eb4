package dev.accord.broker.federation;

import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.bundlesync.BundleStore;
import dev.accord.broker.support.Problems;
import dev.accord.broker.support.RequestFacts;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Federation relationships (SPIFFE_Federation.md §6): directed, "receiver receives source's bundle". Deleting one
 * stops distribution at once (FED §6.3): the in-memory view is rebuilt before the response.
 */
@Controller("/v1/federation-relationships")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RelationshipController {

    private final RelationshipRepository repo;
    private final BundleStore store;
    private final AuditLog audit;

    RelationshipController(RelationshipRepository repo, BundleStore store, AuditLog audit) {
        this.repo = repo;
        this.store = store;
        this.audit = audit;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> create(HttpRequest<?> request, @Body Map<String, Object> body) {
        TrustDomain receiver = member(body, "receiver");
        TrustDomain source = member(body, "source");
        if (receiver.equals(source)) {
            return problem(HttpStatus.BAD_REQUEST, "receiver and source must differ", "source");
        }
        if (Boolean.TRUE.equals(repo.existsByReceiverAndSource(receiver.name(), source.name()).block())) {
            return problem(HttpStatus.CONFLICT, receiver + " already receives " + source + "'s bundle", "source");
        }
        RelationshipRow row = repo.save(new RelationshipRow(UUID.randomUUID().toString(), receiver.name(), source.name(),
                Instant.now())).block();
        audit.append(AuditLog.admin(RequestFacts.actor(request), RequestFacts.caller(request),
                "POST /v1/federation-relationships", null, view(row)));
        store.reload();
        return HttpResponse.created(view(row)).header("Location", "/v1/federation-relationships/" + row.id());
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    Map<String, Object> list(@QueryValue @Nullable String trustDomain) {
        List<Map<String, Object>> items = repo.findAll().collectList().block().stream()
                .filter(r -> trustDomain == null || r.receiver().equals(trustDomain) || r.source().equals(trustDomain))
                .sorted(java.util.Comparator.comparing(RelationshipRow::receiver).thenComparing(RelationshipRow::source))
                .map(RelationshipController::view).toList();
        return Map.of("items", items);
    }

    @Delete(uri = "/{id}")
    HttpResponse<?> delete(HttpRequest<?> request, String id) {
        RelationshipRow before = repo.findById(id).block();
        if (before == null) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such relationship", "no relationship " + id, null);
        }
        repo.deleteById(id).block();
        audit.append(AuditLog.admin(RequestFacts.actor(request), RequestFacts.caller(request),
                "DELETE /v1/federation-relationships/" + id, view(before), null));
        store.reload();
        return HttpResponse.noContent();
    }

    private TrustDomain member(Map<String, Object> body, String field) {
        if (body == null || !(body.get(field) instanceof String s)) {
            throw new IllegalArgumentException(field + " is required");
        }
        TrustDomain td;
        try {
            td = TrustDomain.parse(s);
        } catch (SpiffeException e) {
            throw new IllegalArgumentException(field + " is not a trust domain: " + e.getMessage());
        }
        if (!store.isMember(td)) {
            throw new IllegalArgumentException(field + " " + td + " is not a registered trust domain");
        }
        return td;
    }

    @io.micronaut.http.annotation.Error(exception = IllegalArgumentException.class)
    HttpResponse<?> invalid(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage(), e.getMessage().split(" ")[0]);
    }

    private static HttpResponse<?> problem(HttpStatus status, String detail, String field) {
        return Problems.of(status, status == HttpStatus.CONFLICT ? "conflict" : "invalid-relationship",
                "Invalid federation relationship", detail, Map.of("field", field));
    }

    static Map<String, Object> view(RelationshipRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("receiver", r.receiver());
        m.put("source", r.source());
        m.put("createdAt", r.createdAt().toString());
        return m;
    }
}
