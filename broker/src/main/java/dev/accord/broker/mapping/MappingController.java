package dev.accord.broker.mapping;

import dev.accord.broker.support.Problems;
import dev.accord.broker.support.RequestFacts;
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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The mapping policy admin API: which SPIFFE IDs may become which cloud identities. Deny by default; most
 * specific rule wins; a rule that would tie with another for the same target is refused (409).
 */
@Controller("/v1/mappings")
@ExecuteOn(TaskExecutors.BLOCKING)
public class MappingController {

    private final MappingService service;

    MappingController(MappingService service) {
        this.service = service;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    Map<String, Object> list(@QueryValue @Nullable String trustDomain) {
        List<Map<String, Object>> items = service.policy().mappings().stream()
                .filter(m -> trustDomain == null || m.matcher().trustDomain().name().equals(trustDomain))
                .map(MappingView::of).toList();
        return Map.of("items", items);
    }

    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> get(String id) {
        return service.policy().find(parseId(id)).<HttpResponse<?>>map(m -> HttpResponse.ok(MappingView.of(m)))
                .orElseGet(() -> notFound(id));
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> create(HttpRequest<?> request, @Body Map<String, Object> body) {
        Mapping m = service.create(body, RequestFacts.actor(request), RequestFacts.caller(request));
        return HttpResponse.created(MappingView.of(m)).header("Location", "/v1/mappings/" + m.id());
    }

    @Put(uri = "/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> update(HttpRequest<?> request, String id, @Body Map<String, Object> body) {
        return service.update(parseId(id), body, RequestFacts.actor(request), RequestFacts.caller(request))
                .<HttpResponse<?>>map(m -> HttpResponse.ok(MappingView.of(m))).orElseGet(() -> notFound(id));
    }

    @Delete(uri = "/{id}")
    HttpResponse<?> delete(HttpRequest<?> request, String id) {
        return service.delete(parseId(id), RequestFacts.actor(request), RequestFacts.caller(request))
                ? HttpResponse.noContent() : notFound(id);
    }

    @Error(exception = MappingException.class)
    HttpResponse<?> invalid(MappingException e) {
        boolean conflict = e.getMessage().startsWith("ambiguous") || e.getMessage().contains("already exists");
        return Problems.of(conflict ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST,
                conflict ? "mapping-conflict" : "invalid-mapping",
                conflict ? "Mapping conflicts with an existing one" : "Invalid mapping", e.getMessage(),
                Map.of("field", e.field()));
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new MappingException("id", "mapping id must be a UUID");
        }
    }

    private static HttpResponse<?> notFound(String id) {
        return Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such mapping", "no mapping with id " + id, null);
    }
}
