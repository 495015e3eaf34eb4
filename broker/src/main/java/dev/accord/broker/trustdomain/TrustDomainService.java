package dev.accord.broker.trustdomain;

import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.bundlesync.BundleStore;
import dev.accord.broker.bundlesync.BundleSyncService;
import dev.accord.broker.bundlesync.RefreshStateRow;
import dev.accord.broker.bundlesync.SyncStateRepository;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import jakarta.inject.Singleton;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * TrustDomainService registers members: validates the endpoint URL and profile (both configured, never inferred:
 * FED §5.1, §7.2), parses the https_spiffe bootstrap bundle (FED §5.2.2, the out-of-band first bundle), stores the
 * member with a pending refresh, and audits every change.
 */
@Singleton
public class TrustDomainService {

    private final TrustDomainRepository repo;
    private final SyncStateRepository states;
    private final BundleSyncService sync;
    private final BundleStore store;
    private final AuditLog audit;

    TrustDomainService(TrustDomainRepository repo, SyncStateRepository states, BundleSyncService sync, BundleStore store,
                       AuditLog audit) {
        this.repo = repo;
        this.states = states;
        this.sync = sync;
        this.store = store;
        this.audit = audit;
    }

    /** Rejects a request with a message naming the field. */
    public static final class Invalid extends RuntimeException {
        private final String field;

        public Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public TrustDomainRow create(Map<String, Object> body, String actor, String caller) {
        TrustDomainRow row = validate(str(body, "name"), body, Instant.now(), null);
        if (Boolean.TRUE.equals(repo.existsById(row.name()).block())) {
            throw new Invalid("name", "trust domain " + row.name() + " is already registered");
        }
        repo.save(row).block();
        states.save(new RefreshStateRow(row.name(), "pending", 0, null, null, null, null, Instant.now(), null, null, 0)).block();
        audit.append(AuditLog.admin(actor, caller, "POST /v1/trust-domains", null, view(row)));
        store.reload();
        return row;
    }

    public Optional<TrustDomainRow> update(String name, Map<String, Object> body, String actor, String caller) {
        Optional<TrustDomainRow> before = repo.findById(name).blockOptional();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        TrustDomainRow row = validate(name, body, before.get().createdAt(), before.get());
        repo.update(row).block();
        sync.refreshSoon(name);
        audit.append(AuditLog.admin(actor, caller, "PUT /v1/trust-domains/" + name, view(before.get()), view(row)));
        store.reload();
        return Optional.of(row);
    }

    /** Deletes a member: its bundle, history and relationships go too, and polling stops (FED §6.3). */
    public boolean delete(String name, String actor, String caller) {
        Optional<TrustDomainRow> before = repo.findById(name).blockOptional();
        if (before.isEmpty()) {
            return false;
        }
        repo.deleteById(name).block();
        audit.append(AuditLog.admin(actor, caller, "DELETE /v1/trust-domains/" + name, view(before.get()), null));
        store.reload();
        return true;
    }

    private static TrustDomainRow validate(String name, Map<String, Object> b, Instant created, TrustDomainRow before) {
        TrustDomain td;
        try {
            td = TrustDomain.parse(name);
        } catch (SpiffeException e) {
            throw new Invalid("name", "name is not a trust domain name: " + e.getMessage());
        }
        String url = str(b, "bundleEndpointUrl");
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Invalid("bundleEndpointUrl", "bundleEndpointUrl is not a URL");
        }
        if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null) {
            throw new Invalid("bundleEndpointUrl", "bundleEndpointUrl must be an https URL with a host and no userinfo (FED §5)");
        }
        String profile = str(b, "profile");
        String endpointId = null;
        String bootstrap = null;
        switch (profile) {
            case "https_web" -> {
                if (b.get("endpointSpiffeId") != null || b.get("bootstrapBundle") != null) {
                    throw new Invalid("profile", "endpointSpiffeId and bootstrapBundle apply to https_spiffe only");
                }
            }
            case "https_spiffe" -> {
                SpiffeId id;
                try {
                    id = SpiffeId.parse(str(b, "endpointSpiffeId"));
                } catch (SpiffeException e) {
                    throw new Invalid("endpointSpiffeId", "endpointSpiffeId is not a SPIFFE ID: " + e.getMessage());
                }
                endpointId = id.toString();
                Object bb = b.get("bootstrapBundle");
                if (bb == null && before != null && before.bootstrapBundle() != null) {
                    bootstrap = before.bootstrapBundle();
                } else if (bb == null) {
                    throw new Invalid("bootstrapBundle", "https_spiffe needs bootstrapBundle: the endpoint trust domain's"
                            + " bundle obtained out of band (FED §5.2.2)");
                } else {
                    bootstrap = bb instanceof String s ? s : com.nimbusds.jose.util.JSONObjectUtils.toJSONString(asMap(bb));
                    SpiffeBundle parsed;
                    try {
                        parsed = SpiffeBundle.parse(id.trustDomain(), bootstrap.getBytes(StandardCharsets.UTF_8));
                    } catch (SpiffeException e) {
                        throw new Invalid("bootstrapBundle", "bootstrapBundle is not a valid SPIFFE bundle: " + e.getMessage());
                    }
                    if (parsed.x509Authorities().isEmpty()) {
                        throw new Invalid("bootstrapBundle", "bootstrapBundle has no X.509 authority to authenticate the endpoint");
                    }
                    bootstrap = new String(parsed.marshal(), StandardCharsets.UTF_8);
                }
            }
            default -> throw new Invalid("profile", "profile must be https_web or https_spiffe");
        }
        return new TrustDomainRow(td.name(), u.toString(), profile, endpointId, bootstrap, created, Instant.now());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new Invalid("bootstrapBundle", "bootstrapBundle must be a JWK Set object or its JSON text");
        }
        return (Map<String, Object>) m;
    }

    private static String str(Map<String, Object> b, String field) {
        if (b == null || !(b.get(field) instanceof String s) || s.isBlank()) {
            throw new Invalid(field, field + " is required");
        }
        return s;
    }

    /** The admin view of a member's configuration (no state). */
    public static Map<String, Object> view(TrustDomainRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("bundleEndpointUrl", r.endpointUrl());
        m.put("profile", r.profile());
        if (r.endpointSpiffeId() != null) {
            m.put("endpointSpiffeId", r.endpointSpiffeId());
            m.put("bootstrapBundleConfigured", r.bootstrapBundle() != null);
        }
        return m;
    }
}
