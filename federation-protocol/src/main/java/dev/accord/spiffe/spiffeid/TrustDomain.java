package dev.accord.spiffe.spiffeid;

import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.Reason;

import java.util.Objects;

/**
 * TrustDomain is the name of a SPIFFE trust domain, such as {@code example.org}. See SPIFFE-ID.md §2.1.
 *
 * @param name the validated, lower-case trust domain name
 */
public record TrustDomain(String name) implements Comparable<TrustDomain> {

    /**
     * Validates the name against SPIFFE-ID.md §2.1.
     *
     * @throws InvalidSpiffeIdException if the name is empty, too long or has a forbidden character
     */
    public TrustDomain {
        IdRules.validateTrustDomainName(name);
    }

    /**
     * Parses a trust domain from a bare name ({@code example.org}) or from its SPIFFE ID form
     * ({@code spiffe://example.org}). An ID form with a path is rejected: it names a workload, not a domain.
     *
     * @throws InvalidSpiffeIdException if the input is not a valid trust domain
     */
    public static TrustDomain parse(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            throw new InvalidSpiffeIdException(Reason.MISSING_TRUST_DOMAIN, IdRules.ERR_MISSING_TRUST_DOMAIN);
        }
        // Any ":/" means the caller handed us a URI (the same heuristic as go-spiffe's TrustDomainFromString):
        // parse it fully so that "spiffe://td" and "td" mean the same domain and "https://td" is refused.
        if (idOrName.contains(":/")) {
            SpiffeId id = SpiffeId.parse(idOrName);
            if (!id.path().isEmpty()) {
                throw new InvalidSpiffeIdException(Reason.PATH_NOT_ALLOWED,
                        "trust domain ID must not have a path");
            }
            return id.trustDomain();
        }
        return new TrustDomain(idOrName);
    }

    /** Returns the SPIFFE ID of the trust domain itself, {@code spiffe://<name>}. */
    public SpiffeId id() {
        return new SpiffeId(this, "");
    }

    /**
     * Returns the SPIFFE ID in this trust domain with the given path segments.
     *
     * @throws InvalidSpiffeIdException if a segment breaks SPIFFE-ID.md §2.2
     */
    public SpiffeId spiffeId(String... segments) {
        return SpiffeId.fromSegments(this, segments);
    }

    /** Returns {@code spiffe://<name>}. */
    public String idString() {
        return IdRules.SCHEME_PREFIX + name;
    }

    @Override
    public int compareTo(TrustDomain other) {
        return name.compareTo(Objects.requireNonNull(other).name);
    }

    @Override
    public String toString() {
        return name;
    }
}
