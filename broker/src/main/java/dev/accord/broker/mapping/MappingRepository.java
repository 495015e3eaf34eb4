package dev.accord.broker.mapping;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.accord.broker.support.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Stores mappings; the target is kept as JSON next to the columns used for lookup. */
final class MappingRepository {

    List<Mapping> loadAll(Connection c) throws SQLException {
        List<Mapping> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM mapping ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Mapping(UUID.fromString(rs.getString("id")), rs.getString("name"),
                        SpiffeIdMatcher.parse(rs.getString("match_kind"), rs.getString("match_pattern")),
                        targetFromJson(rs.getString("cloud"), rs.getString("target_json")),
                        Mapping.ProofOfPossession.valueOf(rs.getString("pop"))));
            }
        }
        return out;
    }

    void insert(Connection c, Mapping m, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO mapping (id, name, match_kind, match_pattern,"
                + " trust_domain, cloud, resource, target_json, pop, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, m.id().toString());
            bind(ps, 2, m);
            ps.setObject(10, Jdbc.ts(now));
            ps.setObject(11, Jdbc.ts(now));
            ps.executeUpdate();
        }
    }

    boolean update(Connection c, Mapping m, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mapping SET name = ?, match_kind = ?, match_pattern = ?,"
                + " trust_domain = ?, cloud = ?, resource = ?, target_json = ?, pop = ?, updated_at = ? WHERE id = ?")) {
            bind(ps, 1, m);
            ps.setObject(9, Jdbc.ts(now));
            ps.setString(10, m.id().toString());
            return ps.executeUpdate() == 1;
        }
    }

    boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM mapping WHERE id = ?")) {
            ps.setString(1, id.toString());
            return ps.executeUpdate() == 1;
        }
    }

    private static void bind(PreparedStatement ps, int i, Mapping m) throws SQLException {
        ps.setString(i, m.name());
        ps.setString(i + 1, m.matcher().kind());
        ps.setString(i + 2, m.matcher().pattern());
        ps.setString(i + 3, m.matcher().trustDomain().name());
        ps.setString(i + 4, m.target().cloud());
        ps.setString(i + 5, m.target().resource());
        ps.setString(i + 6, JSONObjectUtils.toJSONString(targetToJson(m.target())));
        ps.setString(i + 7, m.proofOfPossession().name());
    }

    /** The target as the API shows it. */
    static Map<String, Object> targetToJson(CloudTarget t) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("cloud", t.cloud());
        switch (t) {
            case CloudTarget.Aws a -> {
                j.put("roleArn", a.roleArn());
                j.put("sessionDurationSeconds", a.sessionDuration().toSeconds());
                j.put("sessionTags", a.sessionTags());
                j.put("audience", a.audience());
            }
            case CloudTarget.Gcp g -> {
                j.put("providerResource", g.providerResource());
                j.put("serviceAccountEmail", g.serviceAccountEmail());
                j.put("scopes", g.scopes());
            }
            case CloudTarget.Azure z -> {
                j.put("tenantId", z.tenantId());
                j.put("clientId", z.clientId());
                j.put("scope", z.scope());
            }
        }
        return j;
    }

    static CloudTarget targetFromJson(String cloud, String json) {
        try {
            return MappingRequests.target(cloud, JSONObjectUtils.parse(json));
        } catch (ParseException e) {
            throw new IllegalStateException("stored mapping target is not JSON");
        }
    }

    static Duration seconds(Object v) {
        return v == null ? null : Duration.ofSeconds(((Number) v).longValue());
    }
}
