package dev.accord.broker.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.support.Jdbc;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AuditLog appends hash-chained {@link AuditEvent}s. Appends lock the chain head row, so records from every
 * replica form one chain; an admin change is recorded in the same transaction as the change itself.
 */
@Singleton
public class AuditLog {

    private final DataSource ds;
    private final Clock clock = Clock.systemUTC();

    AuditLog(DataSource ds) {
        this.ds = ds;
    }

    /**
     * What to record; {@link #seq} and hashes are assigned on append.
     */
    public record Entry(String kind, String decision, String reason, String spiffeId, String mappingId, String target,
                        String caller, String actor, String action, String detail) {
    }

    /** An admin change with its before/after state (either may be null). */
    public static Entry admin(String actor, String caller, String action, Object before, Object after) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("before", before);
        d.put("after", after);
        return new Entry("admin", "change", null, null, null, null, caller, actor, action, JSONObjectUtils.toJSONString(d));
    }

    /** A token exchange decision. */
    public static Entry exchange(boolean allowed, String reason, String spiffeId, String mappingId, String target,
                                 String caller, Map<String, Object> detail) {
        return new Entry("exchange", allowed ? "allow" : "deny", reason, spiffeId, mappingId, target, caller, null,
                "POST /v1/token", detail == null ? null : JSONObjectUtils.toJSONString(detail));
    }

    /** Appends in its own transaction. */
    public AuditEvent append(Entry e) {
        return Jdbc.inTransaction(ds, c -> appendIn(c, e));
    }

    /** Appends inside the caller's transaction (the change and its record commit or roll back together). */
    public AuditEvent appendIn(Connection c, Entry e) throws SQLException {
        long seq;
        String prev;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit_head row is missing");
            }
            seq = rs.getLong(1) + 1;
            prev = rs.getString(2);
        }
        AuditEvent ev = AuditEvent.next(seq, clock.instant(), e.kind(), e.decision(), e.reason(), e.spiffeId(),
                e.mappingId(), e.target(), e.caller(), e.actor(), e.action(), e.detail(), prev);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (seq, at, kind, decision, reason, spiffe_id,"
                + " mapping_id, target, caller, actor, action, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setLong(1, ev.seq());
            ps.setObject(2, Jdbc.ts(ev.at()));
            ps.setString(3, ev.kind());
            ps.setString(4, ev.decision());
            ps.setString(5, ev.reason());
            ps.setString(6, ev.spiffeId());
            ps.setString(7, ev.mappingId());
            ps.setString(8, ev.target());
            ps.setString(9, ev.caller());
            ps.setString(10, ev.actor());
            ps.setString(11, ev.action());
            ps.setString(12, ev.detail());
            ps.setString(13, ev.prevHash());
            ps.setString(14, ev.hash());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            ps.setLong(1, ev.seq());
            ps.setString(2, ev.hash());
            ps.executeUpdate();
        }
        return ev;
    }

    /** Query filters; nulls mean "any". */
    public record Query(Instant from, Instant to, String spiffeId, String decision, String kind, Long afterSeq, int limit) {
    }

    public List<AuditEvent> query(Query q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_event WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Jdbc.ts(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            args.add(Jdbc.ts(q.to()));
        }
        if (q.spiffeId() != null) {
            sql.append(" AND spiffe_id = ?");
            args.add(q.spiffeId());
        }
        if (q.decision() != null) {
            sql.append(" AND decision = ?");
            args.add(q.decision());
        }
        if (q.kind() != null) {
            sql.append(" AND kind = ?");
            args.add(q.kind());
        }
        if (q.afterSeq() != null) {
            sql.append(" AND seq > ?");
            args.add(q.afterSeq());
        }
        sql.append(" ORDER BY seq LIMIT ").append(Math.max(1, Math.min(q.limit(), 1000)));
        return Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<AuditEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Verifies the whole chain, then that the head row points at its last record (no truncated tail). */
    public AuditChain.Verification verify() {
        return Jdbc.inTransaction(ds, c -> {
            AuditChain.Verification v;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_event ORDER BY seq");
                 ResultSet rs = ps.executeQuery()) {
                Iterator<AuditEvent> it = new Iterator<>() {
                    Boolean has;

                    @Override
                    public boolean hasNext() {
                        try {
                            if (has == null) {
                                has = rs.next();
                            }
                            return has;
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public AuditEvent next() {
                        hasNext();
                        has = null;
                        try {
                            return read(rs);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
                v = AuditChain.verify(it);
            }
            if (!v.intact()) {
                return v;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long headSeq = rs.getLong(1);
                String headHash = rs.getString(2);
                if (headSeq != v.checked() || (headSeq > 0 && !headHash.equals(v.headHash()))) {
                    return new AuditChain.Verification(false, v.checked(), v.checked() + 1,
                            "the chain head is at record " + headSeq + " but the log ends at record " + v.checked()
                                    + " (records were removed from the end)", null);
                }
            }
            return v;
        });
    }

    private static AuditEvent read(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong("seq"), Jdbc.instant(rs, "at"), rs.getString("kind"), rs.getString("decision"),
                rs.getString("reason"), rs.getString("spiffe_id"), rs.getString("mapping_id"), rs.getString("target"),
                rs.getString("caller"), rs.getString("actor"), rs.getString("action"), rs.getString("detail"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }
}
