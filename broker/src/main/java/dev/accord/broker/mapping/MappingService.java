package dev.accord.broker.mapping;

import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.support.Jdbc;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MappingService keeps the mapping policy in memory for the token exchange and changes it in the database
 * under a lock, so the tie check always sees every committed rule, even with several replicas. Replicas
 * reload the policy every few seconds. Every change is audited with its before and after.
 */
@Context
public class MappingService {

    private static final Logger LOG = LoggerFactory.getLogger(MappingService.class);

    private final DataSource ds;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private final MappingRepository repo = new MappingRepository();
    private final AtomicReference<MappingPolicy> policy = new AtomicReference<>(MappingPolicy.empty());

    MappingService(DataSource ds, AuditLog audit) {
        this.ds = ds;
        this.audit = audit;
    }

    @PostConstruct
    void start() {
        reload();
    }

    @Scheduled(fixedDelay = "${accord.mappings.reload-interval:10s}", initialDelay = "10s")
    void tick() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warn("mapping reload failed; keeping the current policy: {}", e.getMessage());
        }
    }

    /**
     * Reads the committed policy and publishes it. Serialised, and also used after every write instead of publishing
     * the policy the write computed: a scheduled reload that read the table before a write committed could otherwise
     * publish its older policy after the write's newer one, and two writes could publish out of commit order.
     */
    public synchronized MappingPolicy reload() {
        MappingPolicy p = Jdbc.inTransaction(ds, c -> new MappingPolicy(repo.loadAll(c)));
        policy.set(p);
        return p;
    }

    public MappingPolicy policy() {
        return policy.get();
    }

    /**
     * Validates and stores a new mapping.
     *
     * @throws MappingException if the body is invalid or the mapping would tie with an existing one
     */
    public Mapping create(Map<String, Object> body, String actor, String caller) {
        Mapping m = MappingRequests.mapping(UUID.randomUUID(), body);
        Jdbc.inTransaction(ds, c -> {
            Jdbc.lockRow(c, "mapping_lock");
            MappingPolicy p = new MappingPolicy(repo.loadAll(c)).withAdded(m);
            repo.insert(c, m, clock.instant());
            audit.appendIn(c, AuditLog.admin(actor, caller, "POST /v1/mappings", null, MappingView.of(m)));
            return p;
        });
        reload();
        return m;
    }

    /** Replaces mapping {@code id}; empty if it does not exist. */
    public Optional<Mapping> update(UUID id, Map<String, Object> body, String actor, String caller) {
        Mapping m = MappingRequests.mapping(id, body);
        MappingPolicy next = Jdbc.inTransaction(ds, c -> {
            Jdbc.lockRow(c, "mapping_lock");
            MappingPolicy current = new MappingPolicy(repo.loadAll(c));
            Optional<Mapping> before = current.find(id);
            if (before.isEmpty()) {
                return null;
            }
            MappingPolicy p = current.withAdded(m);
            repo.update(c, m, clock.instant());
            audit.appendIn(c, AuditLog.admin(actor, caller, "PUT /v1/mappings/" + id, MappingView.of(before.get()),
                    MappingView.of(m)));
            return p;
        });
        if (next == null) {
            return Optional.empty();
        }
        reload();
        return Optional.of(m);
    }

    /** Deletes mapping {@code id}; false if it did not exist. */
    public boolean delete(UUID id, String actor, String caller) {
        MappingPolicy next = Jdbc.inTransaction(ds, c -> {
            Jdbc.lockRow(c, "mapping_lock");
            MappingPolicy current = new MappingPolicy(repo.loadAll(c));
            Optional<Mapping> before = current.find(id);
            if (before.isEmpty() || !repo.delete(c, id)) {
                return null;
            }
            audit.appendIn(c, AuditLog.admin(actor, caller, "DELETE /v1/mappings/" + id, MappingView.of(before.get()), null));
            return current.without(id);
        });
        if (next == null) {
            return false;
        }
        reload();
        return true;
    }
}
