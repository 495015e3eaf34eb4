package dev.accord.broker.exchange;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DpopVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");
    private static final URI TOKEN_URI = URI.create("https://broker.example:443/v1/token");

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final DpopVerifier verifier = new DpopVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(60),
            (id, exp) -> seen.putIfAbsent(id, exp) == null);
    private final ECKey key = generate();

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String proof(UnaryOperator<JWSHeader.Builder> header, UnaryOperator<JWTClaimsSet.Builder> claims) throws Exception {
        JWSHeader h = header.apply(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK())).build();
        JWTClaimsSet c = claims.apply(new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", "POST").claim("htu", "https://broker.example/v1/token").issueTime(Date.from(NOW))).build();
        SignedJWT jwt = new SignedJWT(h, c);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void acceptsAValidProofAndReturnsTheKeyThumbprint() throws Exception {
        DpopVerifier.DpopProof p = verifier.verify(proof(h -> h, c -> c), "POST", TOKEN_URI);
        assertThat(p.jkt()).isEqualTo(key.computeThumbprint().toString());
        // Query and fragment are ignored, scheme and host case are not significant (RFC 9449 §4.3).
        verifier.verify(proof(h -> h, c -> c.claim("htu", "HTTPS://Broker.Example/v1/token")), "POST",
                URI.create("https://broker.example/v1/token?x=1"));
    }

    @Test
    void rejectsReplayedJti() throws Exception {
        String p = proof(h -> h, c -> c);
        verifier.verify(p, "POST", TOKEN_URI);
        assertThatThrownBy(() -> verifier.verify(p, "POST", TOKEN_URI)).hasMessageContaining("replay");
    }

    @Test
    void rejectsEveryBrokenProof() throws Exception {
        assertRejected(null, "missing");
        assertRejected("not-a-jwt", "compact JWS");
        assertRejected(proof(h -> h.type(JOSEObjectType.JWT), c -> c), "typ");
        assertRejected(proof(h -> h.jwk(null), c -> c), "jwk");
        assertRejected(withPrivateJwk(), "");
        assertRejected(proof(h -> h, c -> c.claim("htm", "GET")), "htm");
        assertRejected(proof(h -> h, c -> c.claim("htu", "https://evil.example/v1/token")), "htu");
        assertRejected(proof(h -> h, c -> c.claim("htu", null)), "htu");
        assertRejected(proof(h -> h, c -> c.jwtID(null)), "jti");
        assertRejected(proof(h -> h, c -> c.issueTime(null)), "iat");
        assertRejected(proof(h -> h, c -> c.issueTime(Date.from(NOW.minusSeconds(120)))), "window");
        assertRejected(proof(h -> h, c -> c.issueTime(Date.from(NOW.plusSeconds(120)))), "window");
        ECKey other = generate();
        assertRejected(proof(h -> h.jwk(other.toPublicJWK()), c -> c), "signature");
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("dpop+jwt"))
                .build(), new JWTClaimsSet.Builder().jwtID("x").claim("htm", "POST")
                .claim("htu", TOKEN_URI.toString()).issueTime(Date.from(NOW)).build());
        hs.sign(new MACSigner(new byte[32]));
        assertRejected(hs.serialize(), "alg");
        assertRejected("x".repeat(9000), "larger");
    }

    // nimbus refuses to build such a header, so the proof is assembled by hand.
    private String withPrivateJwk() throws Exception {
        String header = com.nimbusds.jose.util.Base64URL.encode(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", key.toJSONObject()))).toString();
        String payload = com.nimbusds.jose.util.Base64URL.encode(new JWTClaimsSet.Builder().jwtID("p").claim("htm", "POST")
                .claim("htu", TOKEN_URI.toString()).issueTime(Date.from(NOW)).build().toString()).toString();
        String input = header + "." + payload;
        String sig = new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256),
                input.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toString();
        return input + "." + sig;
    }

    private void assertRejected(String proof, String reason) {
        assertThatThrownBy(() -> verifier.verify(proof, "POST", TOKEN_URI))
                .isInstanceOf(DpopVerifier.DpopException.class).hasMessageContaining(reason);
    }
}
