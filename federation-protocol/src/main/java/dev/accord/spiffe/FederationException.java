package dev.accord.spiffe;

/** Thrown when fetching a bundle from a SPIFFE bundle endpoint failed. */
public final class FederationException extends SpiffeException {

    public FederationException(Reason reason, String message) {
        super(reason, message, null);
    }

    public FederationException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
