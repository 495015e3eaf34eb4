package dev.accord.spiffe.bundle;

import dev.accord.spiffe.internal.Json;
import dev.accord.spiffe.internal.JwkKeys;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds JWK Set documents for bundle tests, including deliberately broken ones. */
final class Jwks {

    private Jwks() {
    }

    static Map<String, Object> x509(X509Certificate... chain) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("use", "x509-svid");
        jwk.putAll(JwkKeys.toJwk(chain[0].getPublicKey()));
        List<Object> x5c = new ArrayList<>();
        for (X509Certificate c : chain) {
            x5c.add(b64(c));
        }
        jwk.put("x5c", x5c);
        return jwk;
    }

    static Map<String, Object> jwt(String kid, PublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("use", "jwt-svid");
        if (kid != null) {
            jwk.put("kid", kid);
        }
        jwk.putAll(JwkKeys.toJwk(key));
        return jwk;
    }

    static Map<String, Object> with(Map<String, Object> jwk, String member, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(jwk);
        if (value == null) {
            m.remove(member);
        } else {
            m.put(member, value);
        }
        return m;
    }

    @SafeVarargs
    static byte[] set(Map<String, Object>... keys) {
        return doc(List.of(keys), null, null);
    }

    static byte[] doc(List<Map<String, Object>> keys, Object sequence, Object hint) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("keys", keys);
        if (sequence != null) {
            d.put("spiffe_sequence", sequence);
        }
        if (hint != null) {
            d.put("spiffe_refresh_hint", hint);
        }
        return Json.write(d).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] raw(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String b64(X509Certificate c) {
        try {
            return Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
