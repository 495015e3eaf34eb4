package dev.accord.broker.exchange;

import dev.accord.broker.support.Jdbc;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A {@link DpopVerifier.ReplayGuard} on the shared database: the primary key makes "first use" atomic across
 * every replica, so a proof replayed to another replica is refused too.
 */
@Singleton
class JdbcReplayGuard implements DpopVerifier.ReplayGuard {

    private final DataSource ds;

    JdbcReplayGuard(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public boolean firstUse(String id, Instant expiresAt) {
        try {
            return Jdbc.inTransaction(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO dpop_jti (id, expires_at) VALUES (?, ?)")) {
                    ps.setString(1, id.length() > 256 ? id.substring(0, 256) : id);
                    ps.setObject(2, Jdbc.ts(expiresAt));
                    ps.executeUpdate();
                    return true;
                }
            });
        } catch (Jdbc.StoreException e) {
            // SQLState class 23 = integrity constraint violation: the id was already recorded.
            if (e.getCause() instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    @Scheduled(fixedDelay = "5m", initialDelay = "5m")
    void purge() {
        Jdbc.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dpop_jti WHERE expires_at < ?")) {
                ps.setObject(1, Jdbc.ts(Instant.now()));
                return ps.executeUpdate();
            }
        });
    }
}
