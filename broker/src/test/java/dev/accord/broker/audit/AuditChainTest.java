package dev.accord.broker.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditChainTest {

    private static List<AuditEvent> chain(int n) {
        List<AuditEvent> out = new ArrayList<>();
        String prev = AuditEvent.GENESIS;
        for (int i = 1; i <= n; i++) {
            AuditEvent e = AuditEvent.next(i, Instant.parse("2026-11-24T06:00:00.123456789Z").plusSeconds(i), "exchange",
                    i % 2 == 0 ? "deny" : "allow", i % 2 == 0 ? "no mapping" : null, "spiffe://a.org/w" + i, null,
                    "arn:aws:iam::123456789012:role/r", "127.0.0.1", null, null, "{}", prev);
            out.add(e);
            prev = e.hash();
        }
        return out;
    }

    private static AuditEvent withReason(AuditEvent e, String reason) {
        return new AuditEvent(e.seq(), e.at(), e.kind(), e.decision(), reason, e.spiffeId(), e.mappingId(), e.target(),
                e.caller(), e.actor(), e.action(), e.detail(), e.prevHash(), e.hash());
    }

    @Test
    void intactChainVerifies() {
        List<AuditEvent> c = chain(5);
        AuditChain.Verification v = AuditChain.verify(c.iterator());
        assertThat(v.intact()).isTrue();
        assertThat(v.checked()).isEqualTo(5);
        assertThat(v.headHash()).isEqualTo(c.get(4).hash());
        assertThat(AuditChain.verify(List.<AuditEvent>of().iterator()).intact()).isTrue();
        assertThat(c.getFirst().at().getNano() % 1000).isZero();
    }

    @Test
    void modifiedRecordIsTheFirstBrokenLink() {
        List<AuditEvent> c = new ArrayList<>(chain(5));
        c.set(2, withReason(c.get(2), "edited"));
        AuditChain.Verification v = AuditChain.verify(c.iterator());
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(3);
        assertThat(v.checked()).isEqualTo(2);
        assertThat(v.problem()).contains("modified");
    }

    @Test
    void rehashedRecordBreaksTheNextLink() {
        List<AuditEvent> c = new ArrayList<>(chain(5));
        AuditEvent e = c.get(1);
        c.set(1, AuditEvent.next(e.seq(), e.at(), e.kind(), "allow", null, e.spiffeId(), e.mappingId(), e.target(),
                e.caller(), e.actor(), e.action(), e.detail(), e.prevHash()));
        AuditChain.Verification v = AuditChain.verify(c.iterator());
        assertThat(v.firstBrokenSeq()).isEqualTo(3);
        assertThat(v.problem()).contains("prev_hash");
    }

    @Test
    void deletedRecordIsAGap() {
        List<AuditEvent> c = new ArrayList<>(chain(5));
        c.remove(3);
        assertThat(AuditChain.verify(c.iterator()).firstBrokenSeq()).isEqualTo(5);
    }

    @Test
    void nullAndEmptyFieldsHashDifferently() {
        AuditEvent a = AuditEvent.next(1, Instant.EPOCH, "admin", "change", null, null, null, null, null, "x", "y", "{}",
                AuditEvent.GENESIS);
        AuditEvent b = AuditEvent.next(1, Instant.EPOCH, "admin", "change", "", null, null, null, null, "x", "y", "{}",
                AuditEvent.GENESIS);
        assertThat(a.hash()).isNotEqualTo(b.hash());
    }
}
