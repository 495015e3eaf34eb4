package dev.accord.spiffe;

/** Thrown when an X509-SVID or JWT-SVID fails verification. */
public final class SvidException extends SpiffeException {

    public SvidException(Reason reason, String message) {
        super(reason, message, null);
    }

    public SvidException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
