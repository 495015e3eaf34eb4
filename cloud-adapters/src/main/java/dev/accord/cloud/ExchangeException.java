package dev.accord.cloud;

/**
 * ExchangeException is a cloud's refusal or failure, classified so the broker can answer precisely and retry only
 * what is retryable. Messages never contain tokens or secrets.
 */
public final class ExchangeException extends RuntimeException {

    /** Why the exchange failed. */
    public enum Reason {
        /** The cloud rejected the token (signature, issuer, format). */
        INVALID_TOKEN,
        /** The token was valid but a claim did not satisfy the cloud-side trust configuration. */
        CLAIM_REJECTED,
        /** The token had expired when the cloud checked it. */
        TOKEN_EXPIRED,
        /** The cloud could not reach the broker's discovery document or JWKS. */
        ISSUER_UNREACHABLE,
        /** The role/service account/app refused the identity. */
        ACCESS_DENIED,
        /** The cloud asked us to slow down. */
        THROTTLED,
        /** The cloud answered with something we could not understand. */
        MALFORMED_RESPONSE,
        /** Network or unexpected server failure. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final boolean retryable;
    private final String requestId;

    public ExchangeException(Reason reason, boolean retryable, String message, String requestId, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryable = retryable;
        this.requestId = requestId;
    }

    /** The messages of {@code t} and its causes joined with ": " (SDKs wrap the cloud's error several layers deep). */
    public static String causeChain(Throwable t) {
        StringBuilder chain = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            chain.append(chain.isEmpty() ? "" : ": ").append(c.getMessage());
        }
        return chain.toString();
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    public String requestId() {
        return requestId;
    }
}
