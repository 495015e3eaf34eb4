package dev.accord.spiffe;

/** Thrown when a SPIFFE ID or trust domain name breaks a rule of SPIFFE-ID.md. */
public final class InvalidSpiffeIdException extends SpiffeException {

    public InvalidSpiffeIdException(Reason reason, String message) {
        super(reason, message, null);
    }

    public InvalidSpiffeIdException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
