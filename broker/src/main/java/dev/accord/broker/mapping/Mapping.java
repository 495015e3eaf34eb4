package dev.accord.broker.mapping;

import java.util.Objects;
import java.util.UUID;

/**
 * Mapping is one policy rule: SPIFFE IDs selected by {@link #matcher()} may obtain {@link #target()}, if the
 * caller also satisfies {@link #proofOfPossession()}.
 *
 * @param id stable identifier
 * @param name operator-facing name
 * @param matcher which SPIFFE IDs the rule covers (one trust domain)
 * @param target what they may become
 * @param proofOfPossession what the exchange must prove besides the JWT-SVID
 */
public record Mapping(UUID id, String name, SpiffeIdMatcher matcher, CloudTarget target,
                      ProofOfPossession proofOfPossession) {

    public Mapping {
        Objects.requireNonNull(id, "id");
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new MappingException("name", "name is required (1–128 characters)");
        }
        CloudTarget.nonNull(matcher, "match");
        CloudTarget.nonNull(target, "target");
        proofOfPossession = proofOfPossession == null ? ProofOfPossession.NONE : proofOfPossession;
    }

    /** What a token exchange must prove in addition to presenting the JWT-SVID. */
    public enum ProofOfPossession {
        /** The JWT-SVID alone suffices (a bearer exchange). */
        NONE,
        /** mTLS with an X509-SVID whose SPIFFE ID equals the JWT-SVID's {@code sub}. */
        MTLS,
        /** A DPoP proof (RFC 9449); its key is bound into the issued token as {@code cnf.jkt}. */
        DPOP,
        /** Either of the above. */
        MTLS_OR_DPOP;

        public boolean acceptsMtls() {
            return this == MTLS || this == MTLS_OR_DPOP;
        }

        public boolean acceptsDpop() {
            return this == DPOP || this == MTLS_OR_DPOP;
        }
    }
}
