package dev.accord.broker.audit;

import dev.accord.broker.support.Problems;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Read access to the audit log (admin only): queries and a chain verification. */
@Controller("/v1/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {

    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> query(@QueryValue @Nullable String from, @QueryValue @Nullable String to,
                          @QueryValue @Nullable String spiffeId, @QueryValue @Nullable String decision,
                          @QueryValue @Nullable String kind, @QueryValue @Nullable Long afterSeq,
                          @QueryValue @Nullable Integer limit) {
        Instant f;
        Instant t;
        try {
            f = from == null ? null : Instant.parse(from);
            t = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-query", "Invalid audit query",
                    "from and to must be RFC 3339 instants such as 2026-11-24T06:00:00Z", null);
        }
        if (decision != null && !List.of("allow", "deny", "change").contains(decision)) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-query", "Invalid audit query",
                    "decision must be allow, deny or change", null);
        }
        List<AuditEvent> items = log.query(new AuditLog.Query(f, t, spiffeId, decision, kind, afterSeq,
                limit == null ? 100 : limit));
        return HttpResponse.ok(Map.of("items", items));
    }

    @Get(uri = "/verify", produces = MediaType.APPLICATION_JSON)
    AuditChain.Verification verify() {
        return log.verify();
    }
}
