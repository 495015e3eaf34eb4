package dev.accord.spiffe.spiffeid;

import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.Reason;

import java.nio.charset.StandardCharsets;

/**
 * The character and structure rules of SPIFFE-ID.md §2, shared by {@link SpiffeId} and {@link TrustDomain}.
 * Messages match go-spiffe's wording so an error means the same thing in every language.
 */
final class IdRules {

    static final String SCHEME_PREFIX = "spiffe://";
    /** SPIFFE-ID.md §2.3: implementations MUST support 2048-byte URIs; Accord rejects longer ones. */
    static final int MAX_ID_BYTES = 2048;
    /** SPIFFE-ID.md §2.1: trust domain names are at most 255 bytes. */
    static final int MAX_TRUST_DOMAIN_BYTES = 255;

    static final String ERR_EMPTY = "cannot be empty";
    static final String ERR_WRONG_SCHEME = "scheme is missing or invalid";
    static final String ERR_MISSING_TRUST_DOMAIN = "trust domain is missing";
    static final String ERR_BAD_TRUST_DOMAIN_CHAR =
            "trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores";
    static final String ERR_BAD_PATH_SEGMENT_CHAR =
            "path segment characters are limited to letters, numbers, dots, dashes, and underscores";
    static final String ERR_DOT_SEGMENT = "path cannot contain dot segments";
    static final String ERR_NO_LEADING_SLASH = "path must have a leading slash";
    static final String ERR_EMPTY_SEGMENT = "path cannot contain empty segments";
    static final String ERR_TRAILING_SLASH = "path cannot have a trailing slash";
    static final String ERR_ID_TOO_LONG = "SPIFFE ID is longer than " + MAX_ID_BYTES + " bytes";
    static final String ERR_TRUST_DOMAIN_TOO_LONG = "trust domain is longer than " + MAX_TRUST_DOMAIN_BYTES + " bytes";

    private IdRules() {
    }

    /** SPIFFE-ID.md §2.1: lowercase letters, digits, dot, dash and underscore only. */
    static boolean isTrustDomainChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    }

    /** SPIFFE-ID.md §2.2: letters of either case, digits, dot, dash and underscore only. */
    static boolean isPathSegmentChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_';
    }

    static void validateTrustDomainName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidSpiffeIdException(Reason.MISSING_TRUST_DOMAIN, ERR_MISSING_TRUST_DOMAIN);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isTrustDomainChar(c)) {
                throw badTrustDomainChar(c);
            }
        }
        if (utf8Length(name) > MAX_TRUST_DOMAIN_BYTES) {
            throw new InvalidSpiffeIdException(Reason.TOO_LONG, ERR_TRUST_DOMAIN_TOO_LONG);
        }
    }

    /**
     * SPIFFE-ID.md §2.1 forbids userinfo and port in the authority, §2 forbids query and fragment; the message
     * keeps go-spiffe's wording and names the specific rule so an operator sees which part was wrong.
     */
    private static InvalidSpiffeIdException badTrustDomainChar(char c) {
        return switch (c) {
            case ':' -> new InvalidSpiffeIdException(Reason.PORT_NOT_ALLOWED,
                    ERR_BAD_TRUST_DOMAIN_CHAR + " (a port or ':' is not allowed, SPIFFE-ID.md §2.1)");
            case '@' -> new InvalidSpiffeIdException(Reason.USERINFO_NOT_ALLOWED,
                    ERR_BAD_TRUST_DOMAIN_CHAR + " (userinfo is not allowed, SPIFFE-ID.md §2.1)");
            case '?' -> new InvalidSpiffeIdException(Reason.QUERY_NOT_ALLOWED,
                    ERR_BAD_TRUST_DOMAIN_CHAR + " (a query is not allowed, SPIFFE-ID.md §2)");
            case '#' -> new InvalidSpiffeIdException(Reason.FRAGMENT_NOT_ALLOWED,
                    ERR_BAD_TRUST_DOMAIN_CHAR + " (a fragment is not allowed, SPIFFE-ID.md §2)");
            default -> new InvalidSpiffeIdException(Reason.INVALID_TRUST_DOMAIN_CHAR, ERR_BAD_TRUST_DOMAIN_CHAR);
        };
    }

    /** Validates an absolute path ("" or "/seg(/seg)*") per SPIFFE-ID.md §2.2. */
    static void validatePath(String path) {
        if (path == null) {
            throw new InvalidSpiffeIdException(Reason.EMPTY, "path " + ERR_EMPTY);
        }
        if (path.isEmpty()) {
            return;
        }
        if (path.charAt(0) != '/') {
            throw new InvalidSpiffeIdException(Reason.INVALID_PATH_SEGMENT_CHAR, ERR_NO_LEADING_SLASH);
        }
        int segmentStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                checkSegmentBoundary(path, segmentStart, i);
                segmentStart = i + 1;
            } else {
                char c = path.charAt(i);
                if (!isPathSegmentChar(c)) {
                    throw badPathChar(c);
                }
            }
        }
    }

    private static void checkSegmentBoundary(String path, int start, int end) {
        if (start == end) {
            // An empty last segment means the path ends in '/', which §2.2 says SHOULD NOT happen; Accord
            // rejects it as go-spiffe does, and keeps the distinct message.
            if (end == path.length()) {
                throw new InvalidSpiffeIdException(Reason.TRAILING_SLASH, ERR_TRAILING_SLASH);
            }
            throw new InvalidSpiffeIdException(Reason.EMPTY_SEGMENT, ERR_EMPTY_SEGMENT);
        }
        String segment = path.substring(start, end);
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidSpiffeIdException(Reason.DOT_SEGMENT, ERR_DOT_SEGMENT);
        }
    }

    static void validateSegment(String segment) {
        if (segment == null || segment.isEmpty()) {
            throw new InvalidSpiffeIdException(Reason.EMPTY_SEGMENT, ERR_EMPTY_SEGMENT);
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidSpiffeIdException(Reason.DOT_SEGMENT, ERR_DOT_SEGMENT);
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!isPathSegmentChar(c)) {
                throw badPathChar(c);
            }
        }
    }

    private static InvalidSpiffeIdException badPathChar(char c) {
        return switch (c) {
            case '?' -> new InvalidSpiffeIdException(Reason.QUERY_NOT_ALLOWED,
                    ERR_BAD_PATH_SEGMENT_CHAR + " (a query is not allowed, SPIFFE-ID.md §2)");
            case '#' -> new InvalidSpiffeIdException(Reason.FRAGMENT_NOT_ALLOWED,
                    ERR_BAD_PATH_SEGMENT_CHAR + " (a fragment is not allowed, SPIFFE-ID.md §2)");
            case '%' -> new InvalidSpiffeIdException(Reason.INVALID_PATH_SEGMENT_CHAR,
                    ERR_BAD_PATH_SEGMENT_CHAR + " (percent-encoding is not allowed, SPIFFE-ID.md §2.2)");
            default -> new InvalidSpiffeIdException(Reason.INVALID_PATH_SEGMENT_CHAR, ERR_BAD_PATH_SEGMENT_CHAR);
        };
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
