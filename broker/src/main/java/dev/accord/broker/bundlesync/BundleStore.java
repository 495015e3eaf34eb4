package dev.accord.broker.bundlesync;

import dev.accord.broker.exchange.MemberBundles;
import dev.accord.broker.federation.RelationshipRepository;
import dev.accord.broker.federation.RelationshipRow;
import dev.accord.broker.nodefeed.FederationGraph;
import dev.accord.broker.trustdomain.TrustDomainRepository;
import dev.accord.broker.trustdomain.TrustDomainRow;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * BundleStore is the in-memory view every hot path reads: members, their last good bundles (pre-marshalled, with
 * ETags) and who receives whose bundle. It is rebuilt from the database after every local change and every few
 * seconds (changes made by other replicas), and swapped atomically; reads never touch the database (DESIGN §7).
 */
@Context
public class BundleStore implements MemberBundles, FederationGraph {

    private static final Logger LOG = LoggerFactory.getLogger(BundleStore.class);

    private final TrustDomainRepository domains;
    private final BundleRepositories.MemberBundles bundles;
    private final RelationshipRepository relationships;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.EMPTY);

    /** A member's served bundle: the document, its ETag and the parsed bundle. */
    public record Served(SpiffeBundle bundle, byte[] jwks, String etag, java.time.Instant fetchedAt) {
    }

    private record Snapshot(Map<TrustDomain, TrustDomainRow> members, Map<TrustDomain, Served> served,
                            Map<TrustDomain, Set<TrustDomain>> receives) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of());
    }

    /**
     * The JDBC {@code DataSource} is injected only so that Flyway (which runs when it is created) has migrated the
     * schema before the first load.
     */
    BundleStore(javax.sql.DataSource migrated, TrustDomainRepository domains, BundleRepositories.MemberBundles bundles,
                RelationshipRepository relationships) {
        this.domains = domains;
        this.bundles = bundles;
        this.relationships = relationships;
        reload();
    }

    /**
     * Rebuilds the snapshot from the database; a failure keeps the previous snapshot (bundles stay served). Serialised
     * so a reload that read the tables earlier cannot publish its snapshot after one that read them later.
     */
    @Scheduled(fixedDelay = "${accord.sync.reload-interval:5s}", initialDelay = "5s")
    public synchronized void reload() {
        try {
            Map<TrustDomain, TrustDomainRow> members = new HashMap<>();
            for (TrustDomainRow r : domains.findAll().collectList().block()) {
                members.put(new TrustDomain(r.name()), r);
            }
            Map<TrustDomain, Served> served = new HashMap<>(snapshot.get().served());
            served.keySet().retainAll(members.keySet());
            for (MemberBundleRow b : bundles.findAll().collectList().block()) {
                TrustDomain td = new TrustDomain(b.trustDomain());
                Served old = served.get(td);
                if (old == null || !old.etag().equals(etag(b.digest()))) {
                    SpiffeBundle parsed = SpiffeBundle.parse(td, b.jwks().getBytes(StandardCharsets.UTF_8));
                    served.put(td, new Served(parsed, parsed.marshal(), etag(b.digest()), b.fetchedAt()));
                }
            }
            Map<TrustDomain, Set<TrustDomain>> receives = new HashMap<>();
            for (RelationshipRow r : relationships.findAll().collectList().block()) {
                receives.computeIfAbsent(new TrustDomain(r.receiver()), k -> new HashSet<>()).add(new TrustDomain(r.source()));
            }
            snapshot.set(new Snapshot(Map.copyOf(members), Map.copyOf(served), Map.copyOf(receives)));
        } catch (RuntimeException e) {
            LOG.warn("bundle store reload failed; serving the previous snapshot: {}", e.getMessage());
        }
    }

    static String etag(String digest) {
        return "\"" + digest.substring(0, 32) + "\"";
    }

    @Override
    public Lookup lookup(TrustDomain td) {
        Snapshot s = snapshot.get();
        if (!s.members().containsKey(td)) {
            return new Lookup.NotMember();
        }
        Served b = s.served().get(td);
        return b == null ? new Lookup.NoBundle() : new Lookup.Held(b.bundle());
    }

    @Override
    public Set<TrustDomain> receivedBy(TrustDomain member) {
        return snapshot.get().receives().getOrDefault(member, Set.of());
    }

    public Optional<Served> served(TrustDomain td) {
        return Optional.ofNullable(snapshot.get().served().get(td));
    }

    public boolean isMember(TrustDomain td) {
        return snapshot.get().members().containsKey(td);
    }

    public List<TrustDomain> members() {
        return snapshot.get().members().keySet().stream().sorted().toList();
    }
}
