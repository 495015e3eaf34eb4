package dev.accord.broker.audit;

import io.micronaut.serde.annotation.Serdeable;

import java.util.Iterator;

/** AuditChain verifies a sequence of {@link AuditEvent}s read in {@code seq} order. */
public final class AuditChain {

    private AuditChain() {
    }

    /**
     * Walks the records and reports the first broken link, if any: a record whose hash does not match its
     * content, whose {@code prevHash} is not its predecessor's hash, or whose {@code seq} skips or repeats.
     */
    public static Verification verify(Iterator<AuditEvent> records) {
        String prev = AuditEvent.GENESIS;
        long expectedSeq = 1;
        long checked = 0;
        while (records.hasNext()) {
            AuditEvent e = records.next();
            if (e.seq() != expectedSeq) {
                return Verification.broken(checked, e.seq(), "sequence gap: expected record " + expectedSeq
                        + " but found " + e.seq() + " (a record was deleted or inserted)");
            }
            if (!prev.equals(e.prevHash())) {
                return Verification.broken(checked, e.seq(), "prev_hash does not match the hash of record " + (e.seq() - 1));
            }
            if (!e.computeHash().equals(e.hash())) {
                return Verification.broken(checked, e.seq(), "record content does not match its hash (modified)");
            }
            prev = e.hash();
            expectedSeq++;
            checked++;
        }
        return new Verification(true, checked, null, null, checked == 0 ? null : prev);
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param intact whether every link holds
     * @param checked how many records verified before the first broken one
     * @param firstBrokenSeq the first record that fails, if any
     * @param problem what is wrong with it
     * @param headHash the last record's hash when intact
     */
    @Serdeable
    public record Verification(boolean intact, long checked, Long firstBrokenSeq, String problem, String headHash) {
        static Verification broken(long checked, long seq, String problem) {
            return new Verification(false, checked, seq, problem, null);
        }
    }
}
