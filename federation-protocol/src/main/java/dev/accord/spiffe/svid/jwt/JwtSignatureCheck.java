package dev.accord.spiffe.svid.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.SignedJWT;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SvidException;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;

/**
 * JwtSignatureCheck holds the JWT-SVID algorithm allow-list (JWT-SVID.md §2.1) and verifies a token's
 * signature with a bundle key whose type matches the algorithm. Stateless.
 */
final class JwtSignatureCheck {

    /** JWT-SVID.md §2.1: RFC 7518 §3.3 (RS*), §3.4 (ES*) and §3.5 (PS*); nothing else. */
    static final Set<JWSAlgorithm> ALLOWED = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    static final Set<String> ALLOWED_NAMES =
            ALLOWED.stream().map(JWSAlgorithm::getName).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** RFC 7518 §3.4: each ES algorithm fixes its curve. */
    private static final Map<JWSAlgorithm, Curve> EC_CURVES = Map.of(
            JWSAlgorithm.ES256, Curve.P_256, JWSAlgorithm.ES384, Curve.P_384, JWSAlgorithm.ES512, Curve.P_521);

    /** RFC 7518 §3.3 and §3.5: a key of size 2048 bits or larger MUST be used. */
    private static final int MIN_RSA_BITS = 2048;

    private JwtSignatureCheck() {
    }

    /**
     * Verifies the signature of {@code jwt} with {@code key}.
     *
     * @throws SvidException KEY_ALGORITHM_MISMATCH if the key cannot be used with the algorithm, BAD_SIGNATURE
     *         if the signature does not verify
     */
    static void verify(SignedJWT jwt, PublicKey key, String kid) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        JWSVerifier verifier = verifierFor(alg, key, kid);
        boolean valid;
        try {
            valid = jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            // Nimbus reports malformed signature bytes (e.g. a wrong-length ECDSA signature) this way.
            throw new SvidException(Reason.BAD_SIGNATURE, "token signature cannot be verified with key \"" + kid
                    + "\"", e);
        }
        if (!valid) {
            throw new SvidException(Reason.BAD_SIGNATURE, "token signature does not verify with key \"" + kid + "\"");
        }
    }

    private static JWSVerifier verifierFor(JWSAlgorithm alg, PublicKey key, String kid) {
        try {
            if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAPublicKey rsa) {
                if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                    throw mismatch(alg, kid, "RSA key shorter than 2048 bits");
                }
                return new RSASSAVerifier(rsa);
            }
            Curve curve = EC_CURVES.get(alg);
            if (curve != null && key instanceof ECPublicKey ec) {
                if (!curve.equals(Curve.forECParameterSpec(ec.getParams()))) {
                    throw mismatch(alg, kid, "EC key on another curve");
                }
                return new ECDSAVerifier(ec);
            }
        } catch (JOSEException e) {
            throw new SvidException(Reason.KEY_ALGORITHM_MISMATCH,
                    "key \"" + kid + "\" cannot verify " + alg.getName(), e);
        }
        throw mismatch(alg, kid, key.getAlgorithm() + " key");
    }

    private static SvidException mismatch(JWSAlgorithm alg, String kid, String what) {
        return new SvidException(Reason.KEY_ALGORITHM_MISMATCH,
                "key \"" + kid + "\" (" + what + ") does not match algorithm " + alg.getName());
    }
}
