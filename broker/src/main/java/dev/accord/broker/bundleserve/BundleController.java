package dev.accord.broker.bundleserve;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.bundlesync.BundleStore;
import dev.accord.broker.support.Problems;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's SPIFFE bundle endpoints (SPIFFE_Federation.md §5; TB §4 format), served from memory. A SPIRE server
 * can use {@code https://<broker>/v1/bundles/<td>} as an {@code https_web} bundle endpoint (or {@code https_spiffe}
 * when the broker's TLS certificate is an X509-SVID). No client authentication (FED §5).
 */
@Controller
public class BundleController {

    private final BundleStore store;

    BundleController(BundleStore store) {
        this.store = store;
    }

    /**
     * One member's bundle. With {@code ?for=<member>}, served only if that member is federated with it (or is it).
     */
    @Get(uri = "/v1/bundles/{trustDomain}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> bundle(HttpRequest<?> request, String trustDomain, @QueryValue("for") @Nullable String forMember) {
        Optional<TrustDomain> td = parse(trustDomain);
        if (td.isEmpty() || !store.isMember(td.get())) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "Unknown trust domain",
                    trustDomain + " is not a member of this broker", null);
        }
        if (forMember != null) {
            Optional<TrustDomain> receiver = parse(forMember);
            if (receiver.isEmpty() || !store.isMember(receiver.get())
                    || !(receiver.get().equals(td.get()) || store.receivedBy(receiver.get()).contains(td.get()))) {
                return Problems.of(HttpStatus.FORBIDDEN, "not-federated", "Not federated",
                        forMember + " is not federated with " + trustDomain, null);
            }
        }
        Optional<BundleStore.Served> served = store.served(td.get());
        if (served.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, "no-bundle", "No bundle yet",
                    trustDomain + " is registered but no bundle has been fetched yet", null);
        }
        BundleStore.Served s = served.get();
        String inm = request.getHeaders().get("If-None-Match");
        long maxAge = s.bundle().refreshHint().map(Duration::toSeconds).map(h -> Math.max(30, Math.min(h, 3600))).orElse(300L);
        if (inm != null && (inm.contains(s.etag()) || inm.trim().equals("*"))) {
            return HttpResponse.notModified().header("ETag", s.etag()).header("Cache-Control", "public, max-age=" + maxAge);
        }
        return HttpResponse.ok(s.jwks()).contentType(MediaType.APPLICATION_JSON_TYPE).header("ETag", s.etag())
                .header("Cache-Control", "public, max-age=" + maxAge);
    }

    /** Every bundle {@code member} receives through federation relationships, each with its trust domain (FED §4.2). */
    @Get(uri = "/v1/federation/{member}/bundles", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> federated(String member) {
        Optional<TrustDomain> td = parse(member);
        if (td.isEmpty() || !store.isMember(td.get())) {
            return Problems.of(HttpStatus.NOT_FOUND, "not-found", "Unknown trust domain", member + " is not a member", null);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        store.receivedBy(td.get()).stream().sorted().forEach(src -> store.served(src).ifPresent(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trustDomain", src.name());
            s.bundle().sequence().ifPresent(q -> m.put("sequence", q));
            try {
                m.put("bundle", JSONObjectUtils.parse(new String(s.jwks(), StandardCharsets.UTF_8)));
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
            out.add(m);
        }));
        return HttpResponse.ok(JSONObjectUtils.toJSONString(Map.of("member", member, "bundles", out)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static Optional<TrustDomain> parse(String s) {
        try {
            return Optional.of(TrustDomain.parse(s));
        } catch (SpiffeException e) {
            return Optional.empty();
        }
    }
}
