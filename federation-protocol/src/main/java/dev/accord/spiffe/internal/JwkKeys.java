package dev.accord.spiffe.internal;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.Reason;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * JwkKeys converts between JWK public key parameters (RFC 7518 §6) and JCA public keys, for the key types
 * SPIFFE bundles use: RSA (at least {@link #MIN_RSA_BITS} bits) and EC on P-256, P-384 and P-521.
 */
public final class JwkKeys {

    /** Smallest RSA modulus accepted in a bundle; smaller keys are refused as too weak. */
    public static final int MIN_RSA_BITS = 2048;

    /** Members of RFC 7518 §6 that carry private or symmetric key material (BN13). */
    public static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private static final Set<String> CURVES = Set.of("P-256", "P-384", "P-521");

    private JwkKeys() {
    }

    /** Reports whether this library understands {@code kty}; other values are ignored per TB §4.2.1. */
    public static boolean supportedKeyType(Object kty) {
        return "EC".equals(kty) || "RSA".equals(kty);
    }

    /**
     * Builds the public key described by the JWK's {@code kty} and key parameters.
     *
     * @throws BundleException UNSUPPORTED_KEY_TYPE for curves or sizes outside the allow-list,
     *         INVALID_KEY for missing or malformed parameters (including EC points not on the curve)
     */
    public static PublicKey publicKey(Map<String, Object> jwk, String where) {
        Object kty = jwk.get("kty");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("kty", kty);
        if ("EC".equals(kty)) {
            Object crv = jwk.get("crv");
            if (!(crv instanceof String c) || !CURVES.contains(c)) {
                throw new BundleException(Reason.UNSUPPORTED_KEY_TYPE,
                        where + ": EC curve " + describe(crv) + " is not supported (P-256, P-384, P-521 are)");
            }
            params.put("crv", crv);
            params.put("x", jwk.get("x"));
            params.put("y", jwk.get("y"));
        } else {
            params.put("n", jwk.get("n"));
            params.put("e", jwk.get("e"));
        }
        params.values().removeIf(v -> v == null);
        PublicKey key;
        try {
            // Only key parameters go to nimbus: x5c, use and kid are checked by the caller, so nimbus's own
            // rules for those members cannot reject (or accept) an entry for reasons we do not control.
            JWK parsed = JWK.parse(params);
            key = parsed instanceof ECKey ec ? ec.toECPublicKey() : ((RSAKey) parsed).toRSAPublicKey();
        } catch (Exception e) {
            throw new BundleException(Reason.INVALID_KEY, where + ": invalid " + kty + " key parameters");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new BundleException(Reason.UNSUPPORTED_KEY_TYPE, where + ": RSA key of "
                    + rsa.getModulus().bitLength() + " bits is too small (minimum " + MIN_RSA_BITS + ")");
        }
        return key;
    }

    /**
     * Returns the JWK public parameters ({@code kty} and the key's members) of {@code key}.
     *
     * @throws IllegalArgumentException for key types or curves a bundle cannot carry
     */
    public static Map<String, Object> toJwk(PublicKey key) {
        Map<String, Object> json;
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null || !CURVES.contains(curve.getName())) {
                throw new IllegalArgumentException("EC key on an unsupported curve");
            }
            json = new ECKey.Builder(curve, ec).build().toJSONObject();
        } else if (key instanceof RSAPublicKey rsa) {
            json = new RSAKey.Builder(rsa).build().toJSONObject();
        } else {
            throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        json.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    /** Reports whether two public keys are the same key, whatever provider made them. */
    public static boolean sameKey(PublicKey a, PublicKey b) {
        if (a instanceof ECPublicKey x && b instanceof ECPublicKey y) {
            return x.getW().equals(y.getW())
                    && x.getParams().getCurve().equals(y.getParams().getCurve())
                    && x.getParams().getGenerator().equals(y.getParams().getGenerator())
                    && x.getParams().getOrder().equals(y.getParams().getOrder());
        }
        if (a instanceof RSAPublicKey x && b instanceof RSAPublicKey y) {
            return x.getModulus().equals(y.getModulus()) && x.getPublicExponent().equals(y.getPublicExponent());
        }
        return false;
    }

    /** A stable hash consistent with {@link #sameKey}. */
    public static int keyHash(PublicKey k) {
        if (k instanceof ECPublicKey ec) {
            return ec.getW().hashCode();
        }
        if (k instanceof RSAPublicKey rsa) {
            return rsa.getModulus().hashCode();
        }
        return 0;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "(missing)";
        }
        String s = String.valueOf(v);
        return "\"" + (s.length() > 20 ? s.substring(0, 20) + "…" : s) + "\"";
    }
}
