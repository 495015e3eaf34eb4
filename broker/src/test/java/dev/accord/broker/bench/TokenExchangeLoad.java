package dev.accord.broker.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.accord.broker.exchange.MemberBundles;
import dev.accord.broker.exchange.TokenExchangeService;
import dev.accord.broker.mapping.MappingService;
import dev.accord.broker.support.TestPostgres;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.testing.JwtAuthority;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator for {@code POST /v1/token} (not a test: it measures, it does not assert). It starts the broker on
 * a fresh PostgreSQL database with one member trust domain and one mapping, drives the endpoint with concurrent
 * clients for a fixed time, and prints exchanges/s, p50 and p99 latency next to the cost of one ES256 verify plus
 * one ES256 sign measured on the same machine, as a ratio.
 *
 * <p>Run: {@code ./mvnw -q -pl broker -am test-compile && ./mvnw -q -pl broker exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.accord.broker.bench.TokenExchangeLoad [-Dbench.seconds=20 -Dbench.clients=8]}
 */
public final class TokenExchangeLoad {

    static final JwtAuthority AUTHORITY = JwtAuthority.es256("bench-key");
    static final String ROLE = "arn:aws:iam::123456789012:role/bench";

    private TokenExchangeLoad() {
    }

    /** The benchmark's member: bench.org with {@link #AUTHORITY}'s key. */
    @Singleton
    @Replaces(MemberBundles.class)
    @Requires(property = "spec.name", value = "TokenExchangeLoad")
    static class BenchBundles implements MemberBundles {
        private final SpiffeBundle bundle = SpiffeBundle.of(new TrustDomain("bench.org"), List.of(),
                Map.of(AUTHORITY.kid(), AUTHORITY.publicKey()));

        @Override
        public Lookup lookup(TrustDomain td) {
            return td.name().equals("bench.org") ? new Lookup.Held(bundle) : new Lookup.NotMember();
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 20);
        int clients = Integer.getInteger("bench.clients", 8);
        Map<String, Object> props = new HashMap<>(TestPostgres.freshDatabase("bench"));
        props.put("spec.name", "TokenExchangeLoad");
        props.put("micronaut.server.port", -1);
        props.put("accord.issuer.url", "https://broker.bench");
        props.put("accord.issuer.kek", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        props.put("logger.levels.root", "WARN");
        try (ApplicationContext ctx = ApplicationContext.run(props, "test")) {
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
            ctx.getBean(MappingService.class).create(Map.of("name", "bench", "match",
                    Map.of("kind", "prefix", "pattern", "spiffe://bench.org/svc"),
                    "target", Map.of("cloud", "aws", "roleArn", ROLE)), "bench", "127.0.0.1");
            URI uri = server.getURI().resolve("/v1/token");
            String svid = AUTHORITY.sign("spiffe://bench.org/svc/api", List.of("https://broker.bench"), Duration.ofHours(1));
            String form = "grant_type=" + enc(TokenExchangeService.GRANT_TYPE) + "&subject_token=" + enc(svid)
                    + "&subject_token_type=" + enc(TokenExchangeService.JWT_TYPE) + "&resource=" + enc(ROLE);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            HttpResponse<String> first = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (first.statusCode() != 200) {
                throw new IllegalStateException("exchange failed: " + first.statusCode() + " " + first.body());
            }
            run(http, req, clients, 3, null);                       // warm-up
            long[] lat = run(http, req, clients, seconds, new AtomicLong());
            double perSecond = lat.length / (double) seconds;
            Arrays.sort(lat);
            double cryptoMicros = es256VerifyPlusSignMicros();
            int cores = Runtime.getRuntime().availableProcessors();
            double exchangeCpuMicros = 1e6 * cores / perSecond;
            System.out.printf("POST /v1/token: %d clients, %d s, %d exchanges → %.0f exchanges/s; p50 %.2f ms, p99 %.2f ms%n",
                    clients, seconds, lat.length, perSecond, lat[lat.length / 2] / 1e6, lat[(int) (lat.length * 0.99)] / 1e6);
            System.out.printf("one ES256 verify + one ES256 sign (nimbus, 1 thread): %.1f µs%n", cryptoMicros);
            System.out.printf("machine time per exchange (%d cores / throughput): %.1f µs = %.1f × the verify+sign floor%n",
                    cores, exchangeCpuMicros, exchangeCpuMicros / cryptoMicros);
        }
    }

    private static long[] run(HttpClient http, HttpRequest req, int clients, int seconds, AtomicLong errors) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Long>>> fs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            fs.add(pool.submit(() -> {
                List<Long> l = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("exchange failed under load: " + r.statusCode());
                    }
                    l.add(System.nanoTime() - t);
                }
                return l;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : fs) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    static double es256VerifyPlusSignMicros() throws Exception {
        ECDSASigner signer = new ECDSASigner((ECPrivateKey) AUTHORITY.keyPair().getPrivate());
        ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) AUTHORITY.publicKey());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("spiffe://bench.org/svc/api").audience("aud")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        int n = 3000;
        for (int round = 0; round < 2; round++) {            // first round warms up the JIT
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
                jwt.sign(signer);
                if (!SignedJWT.parse(jwt.serialize()).verify(verifier)) {
                    throw new IllegalStateException("verify failed");
                }
            }
            if (round == 1) {
                return (System.nanoTime() - t) / 1e3 / n;
            }
        }
        throw new IllegalStateException();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
