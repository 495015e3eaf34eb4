package dev.accord.broker.issuer;

import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.support.Problems;
import dev.accord.broker.support.RequestFacts;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin view of the issuer keys (public facts only) and on-demand rotation. */
@Controller("/v1/issuer")
@ExecuteOn(TaskExecutors.BLOCKING)
public class IssuerAdminController {

    private final IssuerService issuer;
    private final AuditLog audit;

    IssuerAdminController(IssuerService issuer, AuditLog audit) {
        this.issuer = issuer;
        this.audit = audit;
    }

    @Get(uri = "/keys", produces = MediaType.APPLICATION_JSON)
    Map<String, Object> keys() {
        return Map.of("issuer", issuer.config().url(), "items", view(issuer.ring()));
    }

    /** Rotates one algorithm now: the next key starts signing, the active one retires (still published). */
    @Post(uri = "/rotate", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rotate(HttpRequest<?> request, @QueryValue @Nullable String alg) {
        String algorithm = alg == null ? "ES256" : alg;
        List<Map<String, Object>> before = view(issuer.ring());
        try {
            KeyRing after = issuer.rotate(algorithm);
            audit.append(AuditLog.admin(RequestFacts.actor(request), RequestFacts.caller(request),
                    "POST /v1/issuer/rotate?alg=" + algorithm, before, view(after)));
            return HttpResponse.ok(Map.of("issuer", issuer.config().url(), "items", view(after)));
        } catch (KeyRing.RotationException e) {
            return Problems.of(HttpStatus.CONFLICT, "rotation-too-early", "Rotation refused", e.getMessage(),
                    Map.of("earliest", e.earliest().toString()));
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-algorithm", "Unknown algorithm", e.getMessage(), null);
        }
    }

    private List<Map<String, Object>> view(KeyRing ring) {
        return ring.keys().stream().map(k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kid", k.kid());
            m.put("alg", k.algorithm());
            m.put("state", k.state().name().toLowerCase());
            m.put("createdAt", String.valueOf(k.createdAt()));
            m.put("activatedAt", String.valueOf(k.activatedAt()));
            m.put("retiredAt", String.valueOf(k.retiredAt()));
            m.put("publishUntil", String.valueOf(k.publishUntil()));
            m.put("published", k.publishedAt(issuer.now()));
            return m;
        }).toList();
    }
}
