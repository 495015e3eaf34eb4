package dev.accord.broker.mapping;

import dev.accord.spiffe.spiffeid.SpiffeId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * MappingPolicy is an immutable set of {@link Mapping}s with deny-by-default resolution: a SPIFFE ID obtains a
 * target only through the most specific mapping for that target whose matcher covers it. Ties are refused when a
 * mapping is added ({@link #withAdded}); if stored rules tie anyway (edited by hand, a race between replicas),
 * resolution reports {@link Decision.Ambiguous} instead of picking one.
 *
 * @param mappings the rules, in creation order
 */
public record MappingPolicy(List<Mapping> mappings) {

    public MappingPolicy {
        mappings = List.copyOf(mappings);
    }

    public static MappingPolicy empty() {
        return new MappingPolicy(List.of());
    }

    /**
     * Returns a policy with {@code m} added.
     *
     * @throws MappingException if a mapping with the same name exists, or if {@code m} ties with an existing
     *         mapping for the same target (same specificity and some SPIFFE ID could match both)
     */
    public MappingPolicy withAdded(Mapping m) {
        for (Mapping existing : mappings) {
            if (existing.name().equals(m.name()) && !existing.id().equals(m.id())) {
                throw new MappingException("name", "a mapping named \"" + m.name() + "\" already exists");
            }
            if (!existing.id().equals(m.id()) && ties(existing, m)) {
                throw new MappingException("match", "ambiguous: mapping \"" + existing.name() + "\" (" + existing.matcher().kind()
                        + " " + existing.matcher().pattern() + ") is equally specific for the same target and can match the"
                        + " same SPIFFE IDs; make one of them more specific");
            }
        }
        List<Mapping> next = new ArrayList<>(mappings);
        next.removeIf(x -> x.id().equals(m.id()));
        next.add(m);
        return new MappingPolicy(next);
    }

    /** Returns a policy without the mapping {@code id}. */
    public MappingPolicy without(UUID id) {
        List<Mapping> next = new ArrayList<>(mappings);
        next.removeIf(x -> x.id().equals(id));
        return new MappingPolicy(next);
    }

    public Optional<Mapping> find(UUID id) {
        return mappings.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Resolves which mapping, if any, lets {@code id} obtain the target named {@code resource}. */
    public Decision resolve(SpiffeId id, String resource) {
        List<Mapping> candidates = mappings.stream()
                .filter(m -> m.target().resource().equals(resource) && m.matcher().matches(id))
                .sorted(Comparator.comparingInt((Mapping m) -> m.matcher().specificity()).reversed())
                .toList();
        if (candidates.isEmpty()) {
            boolean targetKnown = mappings.stream().anyMatch(m -> m.target().resource().equals(resource));
            return new Decision.NoMatch(targetKnown);
        }
        Mapping best = candidates.getFirst();
        if (candidates.size() > 1 && candidates.get(1).matcher().specificity() == best.matcher().specificity()) {
            return new Decision.Ambiguous(best, candidates.get(1));
        }
        return new Decision.Match(best);
    }

    private static boolean ties(Mapping a, Mapping b) {
        return a.target().resource().equals(b.target().resource())
                && a.matcher().trustDomain().equals(b.matcher().trustDomain())
                && a.matcher().specificity() == b.matcher().specificity()
                && (a.matcher().mayOverlap(b.matcher()) || b.matcher().mayOverlap(a.matcher()));
    }

    /** The outcome of {@link #resolve}. */
    public sealed interface Decision {
        /** The mapping that grants the target. */
        record Match(Mapping mapping) implements Decision {
        }

        /** No mapping grants the target; {@code targetKnown} tells whether any mapping names it at all. */
        record NoMatch(boolean targetKnown) implements Decision {
        }

        /** Two equally specific mappings match: refused rather than guessed. */
        record Ambiguous(Mapping first, Mapping second) implements Decision {
        }
    }
}
