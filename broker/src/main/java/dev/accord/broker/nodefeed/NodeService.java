package dev.accord.broker.nodefeed;

import com.nimbusds.jose.util.JSONArrayUtils;
import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.support.Jdbc;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NodeService registers nodes and their feed credentials. A node's feed token is shown once, when the node is
 * created or its token is reset; only its SHA-256 is stored and it is compared in constant time.
 */
@Singleton
public class NodeService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource ds;
    private final AuditLog audit;

    NodeService(DataSource ds, AuditLog audit) {
        this.ds = ds;
        this.audit = audit;
    }

    /** A stored node and whether this call created it (then {@code token} holds its new feed token). */
    public record Saved(Node node, boolean created, String token) {
    }

    public Saved upsert(Node n, String actor, String caller) {
        return Jdbc.inTransaction(ds, c -> {
            Optional<Node> before = find(c, n.name());
            Instant now = Instant.now();
            String token = null;
            if (before.isEmpty()) {
                token = newToken();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO node (name, trust_domain, mode, covered_ports,"
                        + " workloads, token_sha256, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)")) {
                    bind(ps, n);
                    ps.setString(6, sha256(token));
                    ps.setObject(7, Jdbc.ts(now));
                    ps.setObject(8, Jdbc.ts(now));
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("UPDATE node SET name = ?, trust_domain = ?, mode = ?,"
                        + " covered_ports = ?, workloads = ?, updated_at = ? WHERE name = ?")) {
                    bind(ps, n);
                    ps.setObject(6, Jdbc.ts(now));
                    ps.setString(7, n.name());
                    ps.executeUpdate();
                }
            }
            audit.appendIn(c, AuditLog.admin(actor, caller, "PUT /v1/nodes/" + n.name(),
                    before.map(NodeService::view).orElse(null), view(n)));
            return new Saved(n, before.isEmpty(), token);
        });
    }

    /** Issues a new feed token for {@code name}; empty if no such node. */
    public Optional<String> resetToken(String name, String actor, String caller) {
        return Jdbc.inTransaction(ds, c -> {
            String token = newToken();
            try (PreparedStatement ps = c.prepareStatement("UPDATE node SET token_sha256 = ?, updated_at = ? WHERE name = ?")) {
                ps.setString(1, sha256(token));
                ps.setObject(2, Jdbc.ts(Instant.now()));
                ps.setString(3, name);
                if (ps.executeUpdate() == 0) {
                    return Optional.<String>empty();
                }
            }
            audit.appendIn(c, AuditLog.admin(actor, caller, "POST /v1/nodes/" + name + "/token", null, Map.of("reset", true)));
            return Optional.of(token);
        });
    }

    public boolean delete(String name, String actor, String caller) {
        return Jdbc.inTransaction(ds, c -> {
            Optional<Node> before = find(c, name);
            if (before.isEmpty()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM node WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            audit.appendIn(c, AuditLog.admin(actor, caller, "DELETE /v1/nodes/" + name, view(before.get()), null));
            return true;
        });
    }

    public Optional<Node> find(String name) {
        return Jdbc.inTransaction(ds, c -> find(c, name));
    }

    public List<Node> list() {
        return Jdbc.inTransaction(ds, c -> {
            List<Node> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM node ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    /** Reports whether {@code token} is the current feed token of node {@code name}. */
    public boolean tokenMatches(String name, String token) {
        String stored = Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT token_sha256 FROM node WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        return stored != null && token != null && MessageDigest.isEqual(
                stored.getBytes(StandardCharsets.US_ASCII), sha256(token).getBytes(StandardCharsets.US_ASCII));
    }

    private static Optional<Node> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM node WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement ps, Node n) throws SQLException {
        ps.setString(1, n.name());
        ps.setString(2, n.trustDomain().name());
        ps.setString(3, n.mode());
        ps.setString(4, JSONArrayUtils.toJSONString(n.coveredPorts()));
        ps.setString(5, JSONArrayUtils.toJSONString(workloadsJson(n)));
    }

    @SuppressWarnings("unchecked")
    private static Node read(ResultSet rs) throws SQLException {
        try {
            List<Integer> p = JSONArrayUtils.parse(rs.getString("covered_ports")).stream()
                    .map(x -> ((Number) x).intValue()).toList();
            List<Node.Workload> w = JSONArrayUtils.parse(rs.getString("workloads")).stream().map(o -> (Map<String, Object>) o)
                    .map(m -> new Node.Workload(SpiffeId.parse((String) m.get("spiffeId")),
                            (Map<String, String>) (Map<String, ?>) m.get("selectors"))).toList();
            return new Node(rs.getString("name"), new TrustDomain(rs.getString("trust_domain")), rs.getString("mode"), p, w);
        } catch (ParseException e) {
            throw new SQLException("stored node row is not valid JSON", e);
        }
    }

    static List<Map<String, Object>> workloadsJson(Node n) {
        return n.workloads().stream().map(w -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spiffeId", w.spiffeId().toString());
            m.put("selectors", w.selectors());
            return m;
        }).toList();
    }

    static Map<String, Object> view(Node n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", n.name());
        m.put("trustDomain", n.trustDomain().name());
        m.put("mode", n.mode());
        m.put("coveredPorts", n.coveredPorts());
        m.put("workloads", workloadsJson(n));
        return m;
    }

    private static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "node_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
