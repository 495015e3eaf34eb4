package dev.accord.broker.nodefeed;

import dev.accord.broker.support.Problems;
import dev.accord.broker.support.RequestFacts;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.spiffeid.SpiffeId;
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

/** Admin API for nodes: register or update (PUT), list, get, delete, and reset a node's feed token. */
@Controller("/v1/nodes")
@ExecuteOn(TaskExecutors.BLOCKING)
public class NodeController {

    private final NodeService nodes;

    NodeController(NodeService nodes) {
        this.nodes = nodes;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    Map<String, Object> list() {
        return Map.of("items", nodes.list().stream().map(NodeService::view).toList());
    }

    @Get(uri = "/{name}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> get(String name) {
        return nodes.find(name).<HttpResponse<?>>map(n -> HttpResponse.ok(NodeService.view(n))).orElseGet(() -> notFound(name));
    }

    /** Creates or replaces a node; on creation the response carries {@code feedToken}, shown this once. */
    @Put(uri = "/{name}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> put(HttpRequest<?> request, String name, @Body Map<String, Object> body) {
        Node n = parse(name, body);
        NodeService.Saved saved = nodes.upsert(n, RequestFacts.actor(request), RequestFacts.caller(request));
        Map<String, Object> out = new LinkedHashMap<>(NodeService.view(saved.node()));
        if (saved.created()) {
            out.put("feedToken", saved.token());
            return HttpResponse.created(out).header("Location", "/v1/nodes/" + name);
        }
        return HttpResponse.ok(out);
    }

    @Post(uri = "/{name}/token", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> resetToken(HttpRequest<?> request, String name) {
        return nodes.resetToken(name, RequestFacts.actor(request), RequestFacts.caller(request))
                .<HttpResponse<?>>map(t -> HttpResponse.ok(Map.of("name", name, "feedToken", t)))
                .orElseGet(() -> notFound(name));
    }

    @Delete(uri = "/{name}")
    HttpResponse<?> delete(HttpRequest<?> request, String name) {
        return nodes.delete(name, RequestFacts.actor(request), RequestFacts.caller(request))
                ? HttpResponse.noContent() : notFound(name);
    }

    @SuppressWarnings("unchecked")
    private static Node parse(String name, Map<String, Object> b) {
        try {
            if (!(b.get("trustDomain") instanceof String td)) {
                throw new IllegalArgumentException("trustDomain is required");
            }
            Object mode = b.getOrDefault("mode", "enforce");
            if (!(b.get("coveredPorts") instanceof List<?> ports)) {
                throw new IllegalArgumentException("coveredPorts must be an array of TCP ports");
            }
            List<Integer> p = ports.stream().map(x -> {
                if (!(x instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())) {
                    throw new IllegalArgumentException("coveredPorts must be an array of TCP ports");
                }
                return num.intValue();
            }).toList();
            Object w = b.getOrDefault("workloads", List.of());
            if (!(w instanceof List<?> wl)) {
                throw new IllegalArgumentException("workloads must be an array of {spiffeId, selectors}");
            }
            List<Node.Workload> workloads = wl.stream().map(o -> {
                if (!(o instanceof Map<?, ?> m) || !(m.get("spiffeId") instanceof String id)
                        || !(m.get("selectors") instanceof Map<?, ?> sel)) {
                    throw new IllegalArgumentException("workloads must be an array of {spiffeId, selectors}");
                }
                Map<String, String> selectors = new LinkedHashMap<>();
                sel.forEach((k, v) -> selectors.put(String.valueOf(k), String.valueOf(v)));
                return new Node.Workload(SpiffeId.parse(id), selectors);
            }).toList();
            return new Node(name, TrustDomain.parse(td), String.valueOf(mode), p, workloads);
        } catch (SpiffeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    @Error(exception = IllegalArgumentException.class)
    HttpResponse<?> invalid(IllegalArgumentException e) {
        return Problems.of(HttpStatus.BAD_REQUEST, "invalid-node", "Invalid node", e.getMessage(), null);
    }

    private static HttpResponse<?> notFound(String name) {
        return Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such node", "no node named " + name, null);
    }
}
