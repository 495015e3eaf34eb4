package dev.accord.spiffe;

import java.util.Objects;

/**
 * SpiffeException is the root of every error this library raises. It is unchecked and sealed; each
 * instance carries a {@link Reason}. Messages never contain tokens, keys or whole SVIDs.
 */
public abstract sealed class SpiffeException extends RuntimeException
        permits InvalidSpiffeIdException, BundleException, BundleNotFoundException, SvidException,
                FederationException {

    private final Reason reason;

    protected SpiffeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Returns the machine-readable reason of this failure. */
    public Reason reason() {
        return reason;
    }
}
