package dev.accord.broker.mapping;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Turns API JSON into validated mappings; every failure is a {@link MappingException} naming the field. */
final class MappingRequests {

    private MappingRequests() {
    }

    static Mapping mapping(UUID id, Map<String, Object> body) {
        if (body == null) {
            throw new MappingException("body", "the request body must be a JSON object");
        }
        Object match = body.get("match");
        if (!(match instanceof Map<?, ?> m)) {
            throw new MappingException("match", "match must be an object {kind, pattern}");
        }
        SpiffeIdMatcher matcher = SpiffeIdMatcher.parse(str(m.get("kind"), "match.kind"), str(m.get("pattern"), "match.pattern"));
        Object target = body.get("target");
        if (!(target instanceof Map<?, ?> t)) {
            throw new MappingException("target", "target must be an object with a cloud member (aws, gcp, azure)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tm = (Map<String, Object>) t;
        Mapping.ProofOfPossession pop;
        Object popValue = body.get("proofOfPossession");
        try {
            pop = popValue == null ? Mapping.ProofOfPossession.NONE
                    : Mapping.ProofOfPossession.valueOf(str(popValue, "proofOfPossession").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MappingException("proofOfPossession", "proofOfPossession must be none, mtls, dpop or mtls_or_dpop");
        }
        return new Mapping(id, str(body.get("name"), "name"), matcher, target(str(tm.get("cloud"), "target.cloud"), tm), pop);
    }

    static CloudTarget target(String cloud, Map<String, Object> t) {
        return switch (cloud) {
            case "aws" -> new CloudTarget.Aws(str(t.get("roleArn"), "target.roleArn"),
                    duration(t.get("sessionDurationSeconds")), stringMap(t.get("sessionTags")), optStr(t.get("audience"), "target.audience"));
            case "gcp" -> new CloudTarget.Gcp(str(t.get("providerResource"), "target.providerResource"),
                    str(t.get("serviceAccountEmail"), "target.serviceAccountEmail"), stringList(t.get("scopes")));
            case "azure" -> new CloudTarget.Azure(str(t.get("tenantId"), "target.tenantId"),
                    str(t.get("clientId"), "target.clientId"), str(t.get("scope"), "target.scope"));
            default -> throw new MappingException("target.cloud", "target.cloud must be aws, gcp or azure");
        };
    }

    private static String str(Object v, String field) {
        if (!(v instanceof String s) || s.isBlank()) {
            throw new MappingException(field, field + " is required and must be a string");
        }
        return s;
    }

    private static String optStr(Object v, String field) {
        return v == null ? null : str(v, field);
    }

    private static Duration duration(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new MappingException("target.sessionDurationSeconds", "sessionDurationSeconds must be an integer");
        }
        return Duration.ofSeconds(n.longValue());
    }

    private static Map<String, String> stringMap(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new MappingException("target.sessionTags", "sessionTags must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), str(x, "target.sessionTags")));
        return out;
    }

    private static List<String> stringList(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw new MappingException("target.scopes", "scopes must be an array of strings");
        }
        return l.stream().map(x -> str(x, "target.scopes")).toList();
    }
}
