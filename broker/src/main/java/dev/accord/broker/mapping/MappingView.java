package dev.accord.broker.mapping;

import java.util.LinkedHashMap;
import java.util.Map;

/** The API (and audit) representation of a mapping. */
final class MappingView {

    private MappingView() {
    }

    static Map<String, Object> of(Mapping m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.id().toString());
        j.put("name", m.name());
        j.put("match", Map.of("kind", m.matcher().kind(), "pattern", m.matcher().pattern()));
        j.put("trustDomain", m.matcher().trustDomain().name());
        j.put("target", MappingRepository.targetToJson(m.target()));
        j.put("resource", m.target().resource());
        j.put("audience", m.target().audience());
        j.put("proofOfPossession", m.proofOfPossession().name().toLowerCase());
        return j;
    }
}
