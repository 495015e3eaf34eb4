package dev.accord.broker.issuer;

import dev.accord.broker.support.Jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Stores signing keys, private halves sealed by {@link KeyEncryption}. */
final class SigningKeyRepository {

    private final KeyEncryption kek;

    SigningKeyRepository(KeyEncryption kek) {
        this.kek = kek;
    }

    List<SigningKey> loadAll(Connection c) throws SQLException {
        List<SigningKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM signing_key ORDER BY created_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String kid = rs.getString("kid");
                byte[] pkcs8 = kek.open(kid, Base64.getDecoder().decode(rs.getString("sealed_private")));
                out.add(SigningKey.restore(kid, rs.getString("algorithm"), SigningKey.State.valueOf(rs.getString("state")),
                        Base64.getDecoder().decode(rs.getString("public_key")), pkcs8, Jdbc.instant(rs, "created_at"),
                        Jdbc.instant(rs, "activated_at"), Jdbc.instant(rs, "retired_at"), Jdbc.instant(rs, "publish_until")));
            }
        }
        return out;
    }

    /** Makes the table equal to {@code ring}: updates states, inserts new keys, deletes dropped ones. */
    void save(Connection c, KeyRing ring) throws SQLException {
        Set<String> keep = ring.keys().stream().map(SigningKey::kid).collect(Collectors.toSet());
        List<String> existing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT kid FROM signing_key"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                existing.add(rs.getString(1));
            }
        }
        for (String kid : existing) {
            if (!keep.contains(kid)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM signing_key WHERE kid = ?")) {
                    ps.setString(1, kid);
                    ps.executeUpdate();
                }
            }
        }
        for (SigningKey k : ring.keys()) {
            if (existing.contains(k.kid())) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE signing_key SET state = ?, activated_at = ?,"
                        + " retired_at = ?, publish_until = ? WHERE kid = ?")) {
                    ps.setString(1, k.state().name());
                    ps.setObject(2, Jdbc.ts(k.activatedAt()));
                    ps.setObject(3, Jdbc.ts(k.retiredAt()));
                    ps.setObject(4, Jdbc.ts(k.publishUntil()));
                    ps.setString(5, k.kid());
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_key (kid, algorithm, state, public_key,"
                        + " sealed_private, created_at, activated_at, retired_at, publish_until) VALUES (?,?,?,?,?,?,?,?,?)")) {
                    ps.setString(1, k.kid());
                    ps.setString(2, k.algorithm());
                    ps.setString(3, k.state().name());
                    ps.setString(4, k.publicKeyBase64());
                    ps.setString(5, Base64.getEncoder().encodeToString(kek.seal(k.kid(), k.privateKey().getEncoded())));
                    ps.setObject(6, Jdbc.ts(k.createdAt()));
                    ps.setObject(7, Jdbc.ts(k.activatedAt()));
                    ps.setObject(8, Jdbc.ts(k.retiredAt()));
                    ps.setObject(9, Jdbc.ts(k.publishUntil()));
                    ps.executeUpdate();
                }
            }
        }
    }
}
