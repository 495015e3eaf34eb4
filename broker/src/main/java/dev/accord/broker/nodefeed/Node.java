package dev.accord.broker.nodefeed;

import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Node is a host running the Accord agent: its trust domain, which TCP ports the kernel module covers, whether it
 * enforces or only reports, and which workloads (by process selectors) hold which SPIFFE IDs.
 *
 * @param name DNS-label-style node name
 * @param trustDomain the trust domain of the node's workloads
 * @param mode {@code enforce} (refuse unauthenticated covered traffic) or {@code audit} (report only)
 * @param coveredPorts TCP ports whose cross-domain connections must be mutually authenticated
 * @param workloads selectors → SPIFFE ID
 */
public record Node(String name, TrustDomain trustDomain, String mode, List<Integer> coveredPorts, List<Workload> workloads) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    /** Selector keys the agent understands (process facts it can read from the kernel's upcall). */
    public static final Set<String> SELECTOR_KEYS = Set.of("uid", "gid", "exe", "cgroup");

    public Node {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be a lower-case DNS name (letters, digits, '.', '-')");
        }
        Objects.requireNonNull(trustDomain, "trustDomain");
        if (!"enforce".equals(mode) && !"audit".equals(mode)) {
            throw new IllegalArgumentException("mode must be enforce or audit");
        }
        coveredPorts = List.copyOf(coveredPorts);
        if (coveredPorts.isEmpty() || coveredPorts.size() > 64) {
            throw new IllegalArgumentException("coveredPorts must list 1 to 64 TCP ports");
        }
        for (int p : coveredPorts) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("coveredPorts: " + p + " is not a TCP port");
            }
        }
        workloads = List.copyOf(workloads);
        for (Workload w : workloads) {
            if (!w.spiffeId().memberOf(trustDomain)) {
                throw new IllegalArgumentException("workloads: " + w.spiffeId() + " is not in the node's trust domain "
                        + trustDomain);
            }
        }
    }

    /**
     * A workload: processes matching every selector hold {@code spiffeId}.
     *
     * @param spiffeId the workload's identity
     * @param selectors e.g. {@code {"uid": "1001"}}, {@code {"exe": "/usr/bin/app"}}; all must match
     */
    public record Workload(SpiffeId spiffeId, Map<String, String> selectors) {
        public Workload {
            Objects.requireNonNull(spiffeId, "spiffeId");
            selectors = Map.copyOf(selectors);
            if (selectors.isEmpty()) {
                throw new IllegalArgumentException("workloads: " + spiffeId + " needs at least one selector");
            }
            for (String k : selectors.keySet()) {
                if (!SELECTOR_KEYS.contains(k)) {
                    throw new IllegalArgumentException("workloads: unknown selector \"" + k + "\" (use " + SELECTOR_KEYS + ")");
                }
            }
        }
    }
}
