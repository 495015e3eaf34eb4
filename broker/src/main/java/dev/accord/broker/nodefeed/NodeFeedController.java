package dev.accord.broker.nodefeed;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.exchange.MemberBundles;
import dev.accord.broker.security.AdminAuthenticator;
import dev.accord.broker.support.Problems;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code GET /v1/nodes/{node}/config}: what a node agent needs, versioned by ETag. Bundles are those of the node's
 * own trust domain and of every domain it receives through federation relationships (X.509 authorities as PEM,
 * with their sequence). Authenticated by the node's feed token (or an admin credential).
 */
@Controller("/v1/nodes")
@ExecuteOn(TaskExecutors.BLOCKING)
public class NodeFeedController {

    private final NodeService nodes;
    private final MemberBundles bundles;
    private final FederationGraph graph;
    private final AdminAuthenticator admins;

    NodeFeedController(NodeService nodes, MemberBundles bundles, FederationGraph graph, AdminAuthenticator admins) {
        this.nodes = nodes;
        this.bundles = bundles;
        this.graph = graph;
        this.admins = admins;
    }

    @Get(uri = "/{name}/config", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> config(HttpRequest<?> request, String name) {
        Optional<String> auth = request.getHeaders().getAuthorization();
        String token = auth.filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7)).map(a -> a.substring(7).trim()).orElse(null);
        boolean admin = admins.authenticate(auth, List.of()) instanceof AdminAuthenticator.Outcome.Admin;
        if (!admin && !nodes.tokenMatches(name, token)) {
            // Same answer for an unknown node and a wrong token: node names are not disclosed.
            return Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Node authentication required",
                    "GET /v1/nodes/" + name + "/config requires the node's feed token", null)
                    .header("WWW-Authenticate", "Bearer realm=\"accord-node\"");
        }
        Optional<Node> node = nodes.find(name);
        if (node.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "No such node", "no node named " + name, null);
        }
        String body = JSONObjectUtils.toJSONString(document(node.get()));
        String etag = "\"" + NodeService.sha256(body).substring(0, 32) + "\"";
        if (request.getHeaders().get("If-None-Match") != null && request.getHeaders().get("If-None-Match").contains(etag)) {
            return HttpResponse.notModified().header("ETag", etag);
        }
        return HttpResponse.ok(body.getBytes(StandardCharsets.UTF_8)).contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("ETag", etag).header("Cache-Control", "no-cache");
    }

    private Map<String, Object> document(Node n) {
        TreeSet<TrustDomain> domains = new TreeSet<>(graph.receivedBy(n.trustDomain()));
        domains.add(n.trustDomain());
        List<Map<String, Object>> out = new ArrayList<>();
        for (TrustDomain td : domains) {
            if (bundles.lookup(td) instanceof MemberBundles.Lookup.Held h) {
                out.add(bundle(h.bundle()));
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", n.name());
        d.put("trustDomain", n.trustDomain().name());
        d.put("mode", n.mode());
        d.put("coveredPorts", n.coveredPorts());
        d.put("workloads", NodeService.workloadsJson(n));
        d.put("bundles", out);
        return d;
    }

    private static Map<String, Object> bundle(SpiffeBundle b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trustDomain", b.trustDomain().name());
        b.sequence().ifPresent(s -> m.put("sequence", s));
        m.put("x509AuthoritiesPem", new String(b.x509Bundle().marshal(), StandardCharsets.US_ASCII));
        return m;
    }
}
