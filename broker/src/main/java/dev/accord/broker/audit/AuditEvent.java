package dev.accord.broker.audit;

import io.micronaut.serde.annotation.Serdeable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * AuditEvent is one append-only audit record. Exchange decisions fill {@code spiffeId}, {@code mappingId},
 * {@code target} and {@code caller}; admin changes fill {@code actor}, {@code action} and {@code detail}
 * (before/after as JSON). {@link #hash()} covers every field and {@link #prevHash()}, chaining the records so that
 * changing, inserting or deleting one breaks the chain at that point.
 *
 * @param seq position in the chain, from 1
 * @param at when it happened (microsecond precision, as PostgreSQL stores it)
 * @param kind {@code exchange} or {@code admin}
 * @param decision {@code allow}, {@code deny} or {@code change}
 * @param reason why (for denials: the precise error)
 * @param spiffeId the subject, if any
 * @param mappingId the mapping used, if any
 * @param target the requested cloud target, if any
 * @param caller the client address
 * @param actor who made an admin change (token fingerprint or admin SPIFFE ID)
 * @param action what was changed, e.g. {@code POST /v1/mappings}
 * @param detail JSON detail (before/after for admin changes; cloud request ID for exchanges)
 * @param prevHash the previous record's hash ({@link #GENESIS} for the first)
 * @param hash SHA-256 over all of the above
 */
@Serdeable
public record AuditEvent(long seq, Instant at, String kind, String decision, String reason, String spiffeId,
                         String mappingId, String target, String caller, String actor, String action, String detail,
                         String prevHash, String hash) {

    /** The {@code prevHash} of the first record. */
    public static final String GENESIS = "0".repeat(64);

    /** Builds the next record after {@code prevHash}, computing its hash. */
    public static AuditEvent next(long seq, Instant at, String kind, String decision, String reason, String spiffeId,
                                  String mappingId, String target, String caller, String actor, String action,
                                  String detail, String prevHash) {
        Instant t = at.truncatedTo(ChronoUnit.MICROS);
        AuditEvent unsigned = new AuditEvent(seq, t, kind, decision, reason, spiffeId, mappingId, target, caller, actor,
                action, detail, prevHash, null);
        return new AuditEvent(seq, t, kind, decision, reason, spiffeId, mappingId, target, caller, actor, action,
                detail, prevHash, unsigned.computeHash());
    }

    /** Recomputes the hash from the fields (for verification). */
    public String computeHash() {
        StringBuilder b = new StringBuilder();
        // Length-prefixed fields: no choice of field values can make two different records serialise alike.
        for (Object f : new Object[] {seq, at.toEpochMilli() * 1000 + (at.getNano() / 1000) % 1000, kind, decision,
                reason, spiffeId, mappingId, target, caller, actor, action, detail, prevHash}) {
            String s = f == null ? "\u0000" : f.toString();
            b.append(s.length()).append(':').append(s).append(';');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
