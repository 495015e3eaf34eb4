package dev.accord.spiffe;

/** Thrown when a bundle document or key breaks a rule of SPIFFE_Trust_Domain_and_Bundle.md. */
public final class BundleException extends SpiffeException {

    public BundleException(Reason reason, String message) {
        super(reason, message, null);
    }

    public BundleException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
