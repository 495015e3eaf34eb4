package dev.accord.broker.mapping;

import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.util.Arrays;
import java.util.Objects;

/**
 * SpiffeIdMatcher selects SPIFFE IDs of exactly one trust domain: by exact ID, by path prefix on segment
 * boundaries, or by a glob whose {@code *} matches within one segment and whose {@code **} segment matches any
 * number of segments. {@link #specificity()} orders matchers: more literal path characters win, then exact over
 * glob over prefix.
 */
public sealed interface SpiffeIdMatcher {

    TrustDomain trustDomain();

    boolean matches(SpiffeId id);

    /** The kind as stored and shown in the API: {@code exact}, {@code prefix} or {@code glob}. */
    String kind();

    /** The pattern as given, e.g. {@code spiffe://td/ns/prod/*}. */
    String pattern();

    /** Literal path characters (×4) plus a tier (exact 2, glob 1, prefix 0): higher is more specific. */
    int specificity();

    /**
     * Reports whether some SPIFFE ID could match both matchers. Conservative: {@code true} when unsure, so an
     * ambiguity is reported rather than silently resolved.
     */
    boolean mayOverlap(SpiffeIdMatcher other);

    /**
     * Parses a matcher of the given kind.
     *
     * @throws MappingException naming the field and the rule broken
     */
    static SpiffeIdMatcher parse(String kind, String pattern) {
        if (kind == null || pattern == null || pattern.isBlank()) {
            throw new MappingException("match", "match.kind and match.pattern are required");
        }
        try {
            return switch (kind) {
                case "exact" -> new Exact(SpiffeId.parse(pattern));
                case "prefix" -> {
                    SpiffeId id = SpiffeId.parse(pattern);
                    yield new PathPrefix(id.trustDomain(), id.path());
                }
                case "glob" -> Glob.of(pattern);
                default -> throw new MappingException("match.kind",
                        "match.kind must be exact, prefix or glob, not \"" + kind + "\"");
            };
        } catch (InvalidSpiffeIdException e) {
            throw new MappingException("match.pattern", "match.pattern is not a valid SPIFFE ID: " + e.getMessage());
        }
    }

    /** Matches one SPIFFE ID. */
    record Exact(SpiffeId id) implements SpiffeIdMatcher {
        public Exact {
            Objects.requireNonNull(id, "id");
        }

        @Override public TrustDomain trustDomain() { return id.trustDomain(); }
        @Override public boolean matches(SpiffeId other) { return id.equals(other); }
        @Override public String kind() { return "exact"; }
        @Override public String pattern() { return id.toString(); }
        @Override public int specificity() { return id.path().length() * 4 + 2; }

        @Override
        public boolean mayOverlap(SpiffeIdMatcher other) {
            return other.matches(id);
        }
    }

    /** Matches IDs whose path equals {@code prefix} or continues it with {@code /}; an empty prefix matches the domain. */
    record PathPrefix(TrustDomain trustDomain, String prefix) implements SpiffeIdMatcher {
        public PathPrefix {
            Objects.requireNonNull(trustDomain, "trustDomain");
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public boolean matches(SpiffeId id) {
            if (!id.trustDomain().equals(trustDomain)) {
                return false;
            }
            String p = id.path();
            return p.equals(prefix) || p.startsWith(prefix + "/");
        }

        @Override public String kind() { return "prefix"; }
        @Override public String pattern() { return trustDomain.idString() + prefix; }
        @Override public int specificity() { return prefix.length() * 4; }

        @Override
        public boolean mayOverlap(SpiffeIdMatcher other) {
            return switch (other) {
                case Exact e -> matches(e.id());
                case PathPrefix p -> p.trustDomain.equals(trustDomain)
                        && (p.matches(new SpiffeId(trustDomain, prefix)) || matches(new SpiffeId(trustDomain, p.prefix)));
                case Glob g -> g.trustDomain().equals(trustDomain);
            };
        }
    }

    /** Matches paths segment by segment: {@code *} within a segment, a {@code **} segment for any number of segments. */
    record Glob(TrustDomain trustDomain, String path) implements SpiffeIdMatcher {
        public Glob {
            Objects.requireNonNull(trustDomain, "trustDomain");
            Objects.requireNonNull(path, "path");
        }

        static Glob of(String pattern) {
            if (!pattern.startsWith("spiffe://")) {
                throw new MappingException("match.pattern", "a glob must start with spiffe://<trust domain>");
            }
            String rest = pattern.substring("spiffe://".length());
            int slash = rest.indexOf('/');
            TrustDomain td = new TrustDomain(slash < 0 ? rest : rest.substring(0, slash));
            String path = slash < 0 ? "" : rest.substring(slash);
            // The pattern with wildcards replaced must itself be a valid SPIFFE ID path (SPIFFE-ID.md §2.2).
            SpiffeId.parse(td.idString() + path.replace("*", "x"));
            if (path.contains("**") && Arrays.stream(path.split("/")).anyMatch(s -> s.contains("**") && !s.equals("**"))) {
                throw new MappingException("match.pattern", "** must be a whole path segment");
            }
            return new Glob(td, path);
        }

        @Override
        public boolean matches(SpiffeId id) {
            return id.trustDomain().equals(trustDomain) && matchSegments(segments(path), 0, segments(id.path()), 0);
        }

        @Override public String kind() { return "glob"; }
        @Override public String pattern() { return trustDomain.idString() + path; }
        @Override public int specificity() { return path.replace("*", "").length() * 4 + 1; }

        @Override
        public boolean mayOverlap(SpiffeIdMatcher other) {
            return switch (other) {
                case Exact e -> matches(e.id());
                case PathPrefix p -> p.trustDomain().equals(trustDomain);
                case Glob g -> g.trustDomain.equals(trustDomain) && (path.contains("**") || g.path.contains("**")
                        || segmentwiseCompatible(segments(path), segments(g.path)));
            };
        }

        private static String[] segments(String p) {
            return p.isEmpty() ? new String[0] : p.substring(1).split("/", -1);
        }

        private static boolean matchSegments(String[] pat, int i, String[] segs, int j) {
            if (i == pat.length) {
                return j == segs.length;
            }
            if (pat[i].equals("**")) {
                for (int k = j; k <= segs.length; k++) {
                    if (matchSegments(pat, i + 1, segs, k)) {
                        return true;
                    }
                }
                return false;
            }
            return j < segs.length && segmentMatches(pat[i], segs[j]) && matchSegments(pat, i + 1, segs, j + 1);
        }

        static boolean segmentMatches(String pat, String seg) {
            return seg.matches(java.util.regex.Pattern.quote(pat).replace("*", "\\E[^/]*\\Q"));
        }

        // Two single-star globs without ** overlap only if they have the same depth and each pair of segments
        // could match one string; a pair with a star is treated as compatible unless both are literals that differ.
        private static boolean segmentwiseCompatible(String[] a, String[] b) {
            if (a.length != b.length) {
                return false;
            }
            for (int i = 0; i < a.length; i++) {
                boolean literalA = !a[i].contains("*");
                boolean literalB = !b[i].contains("*");
                if (literalA && literalB && !a[i].equals(b[i])) {
                    return false;
                }
                if (literalA && !literalB && !segmentMatches(b[i], a[i])) {
                    return false;
                }
                if (literalB && !literalA && !segmentMatches(a[i], b[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
