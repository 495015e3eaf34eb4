package dev.accord.spiffe;

/** Thrown when no bundle is held for the requested trust domain. */
public final class BundleNotFoundException extends SpiffeException {

    public BundleNotFoundException(Reason reason, String message) {
        super(reason, message, null);
    }

    public BundleNotFoundException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
