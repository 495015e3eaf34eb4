package dev.accord.broker.issuer;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.accord.spiffe.spiffeid.SpiffeId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IssuerKeysTest {

    private static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
    private static final SpiffeId SUB = SpiffeId.parse("spiffe://a.org/payments/api");

    @Test
    void sealedKeysOpenOnlyUnderTheSameKekAndKid() throws Exception {
        KeyEncryption kek = new KeyEncryption(new byte[32]);
        byte[] secret = "pkcs8-bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = kek.seal("kid-1", secret);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("pkcs8-bytes");
        assertThat(kek.open("kid-1", sealed)).isEqualTo(secret);
        assertThatThrownBy(() -> kek.open("kid-2", sealed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not open");
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> new KeyEncryption(other).open("kid-1", sealed)).isInstanceOf(IllegalStateException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> kek.open("kid-1", sealed)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new KeyEncryption(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThat(kek.toString()).contains("redacted");
    }

    @Test
    void kekIsCreatedOnceInAFileAndReused() throws Exception {
        Path dir = Files.createTempDirectory("kek");
        Path file = dir.resolve("sub/issuer.kek");
        KeyEncryption first = KeyEncryption.load(null, file, true);
        byte[] sealed = first.seal("k", new byte[] {1, 2, 3});
        KeyEncryption again = KeyEncryption.load("", file, false);
        assertThat(again.open("k", sealed)).containsExactly(1, 2, 3);
        assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThatThrownBy(() -> KeyEncryption.load(null, dir.resolve("missing"), false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("accord.issuer.kek");
        assertThatThrownBy(() -> KeyEncryption.load("not base64!", null, false))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("not base64");
    }

    @Test
    void signingKeyNeverPrintsItsPrivateHalf() {
        SigningKey rsa = SigningKey.generate("RS256", T0);
        assertThat(rsa.toString()).contains("redacted").doesNotContain("private exponent")
                .doesNotContain(rsa.privateKey().toString());
        SigningKey back = SigningKey.restore(rsa.kid(), "RS256", rsa.state(), rsa.publicKey().getEncoded(),
                rsa.privateKey().getEncoded(), T0, null, null, null);
        assertThat(back.publicKey()).isEqualTo(rsa.publicKey());
        assertThat(rsa.publicJwk().isPrivate()).isFalse();
        assertThatThrownBy(() -> SigningKey.generate("HS256", T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rotationPublishesBeforeSigningAndRetainsUntilTokensExpire() {
        Duration retain = TokenIssuer.MAX_LIFETIME.plusMinutes(5);
        Duration prePublish = Duration.ofMinutes(10);
        KeyRing ring = KeyRing.bootstrap(List.of("ES256", "RS256"), T0);
        SigningKey a = ring.active("ES256").orElseThrow();
        SigningKey b = ring.next("ES256").orElseThrow();
        assertThat(ring.published(T0)).extracting(SigningKey::kid).contains(a.kid(), b.kid());

        assertThatThrownBy(() -> ring.rotate("ES256", T0.plusSeconds(60), retain, prePublish))
                .isInstanceOf(KeyRing.RotationException.class).hasMessageContaining(b.kid());

        Instant t1 = T0.plus(Duration.ofHours(1));
        KeyRing r1 = ring.rotate("ES256", t1, retain, prePublish);
        assertThat(r1.active("ES256").orElseThrow().kid()).isEqualTo(b.kid());
        SigningKey c = r1.next("ES256").orElseThrow();
        assertThat(c.kid()).isNotIn(a.kid(), b.kid());
        assertThat(r1.published(t1)).extracting(SigningKey::kid).contains(a.kid(), b.kid(), c.kid());
        assertThat(r1.published(t1.plus(retain).minusSeconds(1))).extracting(SigningKey::kid).contains(a.kid());
        assertThat(r1.published(t1.plus(retain))).extracting(SigningKey::kid).doesNotContain(a.kid());
        assertThat(r1.active("RS256")).isEqualTo(ring.active("RS256"));

        // A later rotation drops keys whose retention has ended.
        KeyRing r2 = r1.rotate("ES256", t1.plus(Duration.ofHours(1)), retain, prePublish);
        assertThat(r2.find(a.kid())).isEmpty();
        assertThat(r2.rotationDue("ES256", t1.plus(Duration.ofHours(1)), Duration.ofHours(24))).isFalse();
        assertThat(r2.rotationDue("ES256", t1.plus(Duration.ofHours(26)), Duration.ofHours(24))).isTrue();
    }

    @Test
    void issuedTokensVerifyIndependentlyAndRespectLifetimeBounds() throws Exception {
        AtomicReference<KeyRing> ring = new AtomicReference<>(KeyRing.bootstrap(List.of("ES256", "RS256"), T0));
        Clock clock = Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC);
        TokenIssuer issuer = new TokenIssuer("https://broker.example", ring::get, clock);

        TokenIssuer.IssuedToken t = issuer.issue("ES256", SUB, "sts.amazonaws.com", T0.plus(Duration.ofHours(1)),
                null, Map.of("cnf", Map.of("jkt", "abc")));
        SignedJWT jwt = SignedJWT.parse(t.token());
        ECKey pub = (ECKey) ring.get().active("ES256").orElseThrow().publicJwk();
        assertThat(jwt.verify(new ECDSAVerifier(pub))).isTrue();
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(pub.getKeyID());
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("https://broker.example");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(SUB.toString());
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("sts.amazonaws.com");
        assertThat(jwt.getJWTClaimsSet().getJSONObjectClaim("cnf")).containsEntry("jkt", "abc");
        assertThat(Duration.between(t.issuedAt(), t.expiresAt())).isEqualTo(TokenIssuer.MAX_LIFETIME);

        Instant svidExp = T0.plus(Duration.ofMinutes(3));
        TokenIssuer.IssuedToken shortLived = issuer.issue("RS256", SUB, "api://AzureADTokenExchange", svidExp,
                Duration.ofHours(1), Map.of());
        SignedJWT rs = SignedJWT.parse(shortLived.token());
        assertThat(rs.verify(new RSASSAVerifier((RSAKey) ring.get().active("RS256").orElseThrow().publicJwk()))).isTrue();
        assertThat(rs.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(svidExp);

        assertThatThrownBy(() -> issuer.issue("ES256", SUB, "aud", T0, null, Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");
        String iss = SignedJWT.parse(issuer.issue("ES256", SUB, "aud", T0.plusSeconds(600), null, Map.of("iss", "evil"))
                .token()).getJWTClaimsSet().getIssuer();
        assertThat(iss).isEqualTo("https://broker.example");
        assertThat(t.toString()).doesNotContain(t.token());
    }
}
