package dev.accord.broker.audit;

import dev.accord.broker.support.TestPostgres;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Tampering with audit rows directly in PostgreSQL is detected by GET /v1/audit/verify. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class AuditTamperTest implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    AuditLog log;
    @Inject
    DataSource ds;

    @Override
    public Map<String, String> getProperties() {
        return TestPostgres.freshDatabase("audit");
    }

    private Map<?, ?> verify() {
        return client.toBlocking().retrieve(HttpRequest.GET("/v1/audit/verify").bearerAuth("accord-dev-admin-token"), Map.class);
    }

    private void sql(String s) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate(s);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void concurrentAppendsFormOneChainAndTamperingIsFoundAtTheRightRecord() throws Exception {
        // 4 threads × 10 appends: the head-row lock must serialise them into one gapless chain.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    log.append(AuditLog.exchange(i % 2 == 0, i % 2 == 0 ? null : "no mapping",
                            "spiffe://a.org/w" + thread, null, "arn:aws:iam::123456789012:role/r", "10.0.0." + thread, null));
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        Map<?, ?> ok = verify();
        assertThat(ok.get("intact")).isEqualTo(true);
        assertThat(((Number) ok.get("checked")).intValue()).isEqualTo(40);

        Map<?, ?> page = client.toBlocking().retrieve(HttpRequest.GET("/v1/audit?spiffeId=spiffe://a.org/w2&decision=deny")
                .bearerAuth("accord-dev-admin-token"), Map.class);
        assertThat((List<?>) page.get("items")).hasSize(5).allSatisfy(i -> assertThat(((Map<?, ?>) i).get("reason")).isEqualTo("no mapping"));
        Map<?, ?> none = client.toBlocking().retrieve(HttpRequest.GET("/v1/audit?from=" + Instant.now().plusSeconds(60))
                .bearerAuth("accord-dev-admin-token"), Map.class);
        assertThat((List<?>) none.get("items")).isEmpty();

        String caller;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT caller FROM audit_event WHERE seq = 17")) {
            rs.next();
            caller = rs.getString(1);
        }
        sql("UPDATE audit_event SET caller = '203.0.113.66' WHERE seq = 17");
        Map<?, ?> broken = verify();
        assertThat(broken.get("intact")).isEqualTo(false);
        assertThat(((Number) broken.get("firstBrokenSeq")).intValue()).isEqualTo(17);
        assertThat(((Number) broken.get("checked")).intValue()).isEqualTo(16);
        sql("UPDATE audit_event SET caller = '" + caller + "' WHERE seq = 17");
        assertThat(verify().get("intact")).isEqualTo(true);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void removingTheNewestRecordIsDetected() throws Exception {
        AuditEvent last = log.append(AuditLog.admin("tester", "127.0.0.1", "TEST", null, Map.of("x", 1)));
        assertThat(verify().get("intact")).isEqualTo(true);
        sql("DELETE FROM audit_event WHERE seq = " + last.seq());
        Map<?, ?> v = verify();
        assertThat(v.get("intact")).isEqualTo(false);
        assertThat((String) v.get("problem")).contains("removed");
    }
}
