package dev.accord.broker.exchange;

/**
 * An RFC 8693 §2.2.2 / RFC 6749 §5.2 error: {@code error} code plus a precise {@code error_description}.
 *
 * @param code {@code invalid_request}, {@code invalid_grant}, {@code invalid_target}, {@code unsupported_grant_type},
 *             {@code invalid_dpop_proof} (RFC 9449 §12.2) …
 * @param description what exactly was wrong; never contains the token
 */
public record ExchangeError(String code, String description) {

    /** Thrown inside the exchange; the controller turns it into the JSON error response. */
    public static final class Rejected extends RuntimeException {
        private final ExchangeError error;
        private final String spiffeId;
        private final String mappingId;

        public Rejected(String code, String description) {
            this(code, description, null, null);
        }

        public Rejected(String code, String description, String spiffeId, String mappingId) {
            super(code + ": " + description);
            this.error = new ExchangeError(code, description);
            this.spiffeId = spiffeId;
            this.mappingId = mappingId;
        }

        public ExchangeError error() {
            return error;
        }

        public String spiffeId() {
            return spiffeId;
        }

        public String mappingId() {
            return mappingId;
        }
    }
}
