package dev.accord.spiffe.spiffeid;

import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.Reason;

import java.util.Objects;

/**
 * SpiffeId is a validated SPIFFE ID: {@code spiffe://<trust domain><path>}. See SPIFFE-ID.md §2.
 * Two IDs are equal exactly when their string forms are equal (§2.4: the normalised form is compared).
 *
 * @param trustDomain the trust domain the ID belongs to
 * @param path the path, empty or starting with {@code /}
 */
public record SpiffeId(TrustDomain trustDomain, String path) implements Comparable<SpiffeId> {

    /**
     * Validates the path against SPIFFE-ID.md §2.2 and the whole ID against the §2.3 length limit.
     *
     * @throws InvalidSpiffeIdException if the path or total length breaks a rule
     */
    public SpiffeId {
        Objects.requireNonNull(trustDomain, "trustDomain");
        IdRules.validatePath(path);
        if (IdRules.utf8Length(IdRules.SCHEME_PREFIX) + IdRules.utf8Length(trustDomain.name())
                + IdRules.utf8Length(path) > IdRules.MAX_ID_BYTES) {
            throw new InvalidSpiffeIdException(Reason.TOO_LONG, IdRules.ERR_ID_TOO_LONG);
        }
    }

    /**
     * Parses a SPIFFE ID. The scheme and trust domain must already be lower case: SPIFFE-ID.md §2.4 calls
     * them case-insensitive, but Accord (like go-spiffe) accepts only the normalised form so that the same
     * identity never has two spellings in policy, audit or certificates.
     *
     * @throws InvalidSpiffeIdException naming the rule of SPIFFE-ID.md the input breaks
     */
    public static SpiffeId parse(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidSpiffeIdException(Reason.EMPTY, IdRules.ERR_EMPTY);
        }
        if (IdRules.utf8Length(id) > IdRules.MAX_ID_BYTES) {
            throw new InvalidSpiffeIdException(Reason.TOO_LONG, IdRules.ERR_ID_TOO_LONG);
        }
        if (!id.startsWith(IdRules.SCHEME_PREFIX)) {
            throw new InvalidSpiffeIdException(Reason.INVALID_SCHEME, IdRules.ERR_WRONG_SCHEME);
        }
        String rest = id.substring(IdRules.SCHEME_PREFIX.length());
        int slash = rest.indexOf('/');
        String td = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        if (td.isEmpty()) {
            throw new InvalidSpiffeIdException(Reason.MISSING_TRUST_DOMAIN, IdRules.ERR_MISSING_TRUST_DOMAIN);
        }
        return new SpiffeId(new TrustDomain(td), path);
    }

    /**
     * Builds an ID from a trust domain and path segments, each validated by SPIFFE-ID.md §2.2.
     *
     * @throws InvalidSpiffeIdException if a segment is empty, a dot segment or has a forbidden character
     */
    public static SpiffeId fromSegments(TrustDomain trustDomain, String... segments) {
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            IdRules.validateSegment(segment);
            path.append('/').append(segment);
        }
        return new SpiffeId(trustDomain, path.toString());
    }

    /** Reports whether this ID belongs to the given trust domain. */
    public boolean memberOf(TrustDomain td) {
        return trustDomain.equals(td);
    }

    /** Reports whether this is the trust domain's own ID (no path). */
    public boolean isTrustDomainId() {
        return path.isEmpty();
    }

    @Override
    public int compareTo(SpiffeId other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
        return IdRules.SCHEME_PREFIX + trustDomain.name() + path;
    }
}
