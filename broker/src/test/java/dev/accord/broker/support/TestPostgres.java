package dev.accord.broker.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * TestPostgres creates a fresh database on the test PostgreSQL server and returns the broker properties that
 * point at it. The server is found through {@code ACCORD_TEST_PG_HOST}, {@code ACCORD_TEST_PG_PORT},
 * {@code ACCORD_TEST_PG_USER} and {@code ACCORD_TEST_PG_PASSWORD} (defaults 127.0.0.1, 5432, postgres, postgres).
 */
public final class TestPostgres {

    private static final java.util.List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        // Test databases are dropped when the test JVM exits (FORCE closes pools still open, PostgreSQL ≥ 13).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
                 Statement s = c.createStatement()) {
                for (String db : CREATED) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            } catch (SQLException ignored) {
                // Best effort: a leftover test database is harmless.
            }
        }));
    }

    private TestPostgres() {
    }

    public static String host() {
        return env("ACCORD_TEST_PG_HOST", "127.0.0.1");
    }

    public static String port() {
        return env("ACCORD_TEST_PG_PORT", "5432");
    }

    public static String user() {
        return env("ACCORD_TEST_PG_USER", "postgres");
    }

    public static String password() {
        return env("ACCORD_TEST_PG_PASSWORD", "postgres");
    }

    /** Creates database {@code accord_<prefix>_<random>} and returns datasource properties for it. */
    public static Map<String, String> freshDatabase(String prefix) {
        String db = ("accord_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            CREATED.add(db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + host() + ":" + port()
                    + " (set ACCORD_TEST_PG_* to point at a PostgreSQL server): " + e.getMessage(), e);
        }
        return Map.of(
                "datasources.default.url", jdbcUrl(db),
                "datasources.default.username", user(),
                "datasources.default.password", password(),
                "datasources.default.dialect", "POSTGRES",
                "r2dbc.datasources.default.url", "r2dbc:postgresql://" + host() + ":" + port() + "/" + db,
                "r2dbc.datasources.default.username", user(),
                "r2dbc.datasources.default.password", password(),
                "r2dbc.datasources.default.dialect", "POSTGRES");
    }

    public static String jdbcUrl(String db) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + db;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
