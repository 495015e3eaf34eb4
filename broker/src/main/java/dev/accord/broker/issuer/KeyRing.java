package dev.accord.broker.issuer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * KeyRing is an immutable snapshot of the issuer's keys. Rotation for an algorithm promotes the {@code NEXT} key
 * (published since the previous rotation) to {@code ACTIVE}, retires the old active key but keeps it published
 * for {@code retainFor} (the longest lifetime of a token it signed, plus skew), and creates a new {@code NEXT}
 * key. So at every instant each signing key has been in the JWKS before its first token, and stays there until
 * its last token expires.
 *
 * @param keys all keys, whatever their state
 */
public record KeyRing(List<SigningKey> keys) {

    public KeyRing {
        keys = List.copyOf(keys);
    }

    /** A first ring: for each algorithm, an active key and a next key. */
    public static KeyRing bootstrap(List<String> algorithms, Instant now) {
        List<SigningKey> keys = new ArrayList<>();
        for (String alg : algorithms) {
            keys.add(SigningKey.generate(alg, now).activated(now));
            keys.add(SigningKey.generate(alg, now));
        }
        return new KeyRing(keys);
    }

    /** The key that signs tokens of {@code algorithm}, if any. */
    public Optional<SigningKey> active(String algorithm) {
        return keys.stream().filter(k -> k.algorithm().equals(algorithm) && k.state() == SigningKey.State.ACTIVE)
                .max(Comparator.comparing(SigningKey::activatedAt));
    }

    public Optional<SigningKey> next(String algorithm) {
        return keys.stream().filter(k -> k.algorithm().equals(algorithm) && k.state() == SigningKey.State.NEXT)
                .max(Comparator.comparing(SigningKey::createdAt));
    }

    public Optional<SigningKey> find(String kid) {
        return keys.stream().filter(k -> k.kid().equals(kid)).findFirst();
    }

    /** Keys in the JWKS at {@code now}: next, active, and retired keys still inside their retention. */
    public List<SigningKey> published(Instant now) {
        return keys.stream().filter(k -> k.publishedAt(now)).toList();
    }

    /** Reports whether the active key of {@code algorithm} is older than {@code period}. */
    public boolean rotationDue(String algorithm, Instant now, Duration period) {
        return active(algorithm).map(k -> !k.activatedAt().plus(period).isAfter(now)).orElse(true);
    }

    /**
     * Rotates {@code algorithm}.
     *
     * @param prePublish how long the next key must have been published before it may sign
     * @throws RotationException if the next key has not been published for {@code prePublish} yet
     */
    public KeyRing rotate(String algorithm, Instant now, Duration retainFor, Duration prePublish) {
        SigningKey next = next(algorithm).orElse(null);
        List<SigningKey> out = new ArrayList<>();
        if (next == null) {
            // No next key (first start after a migration): publish one now; it may sign after prePublish.
            out.addAll(keys);
            out.add(SigningKey.generate(algorithm, now));
            return new KeyRing(out);
        }
        Instant earliest = next.createdAt().plus(prePublish);
        if (now.isBefore(earliest)) {
            throw new RotationException("the next " + algorithm + " key " + next.kid() + " has been published since "
                    + next.createdAt() + "; it may sign from " + earliest, earliest);
        }
        for (SigningKey k : keys) {
            if (k.kid().equals(next.kid())) {
                out.add(k.activated(now));
            } else if (k.algorithm().equals(algorithm) && k.state() == SigningKey.State.ACTIVE) {
                out.add(k.retired(now, now.plus(retainFor)));
            } else if (k.publishedAt(now)) {
                out.add(k);
            }
        }
        out.add(SigningKey.generate(algorithm, now));
        return new KeyRing(out);
    }

    /** Thrown when a rotation would let a key sign before it has been published long enough. */
    public static final class RotationException extends RuntimeException {
        private final Instant earliest;

        public RotationException(String message, Instant earliest) {
            super(message);
            this.earliest = earliest;
        }

        public Instant earliest() {
            return earliest;
        }
    }
}
