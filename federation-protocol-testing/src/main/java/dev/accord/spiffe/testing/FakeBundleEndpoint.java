package dev.accord.spiffe.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FakeBundleEndpoint is a real HTTPS server on 127.0.0.1 that serves whatever a test sets: a bundle body, an HTTP
 * status, a delay, a redirect, and the server identity (a Web PKI certificate or an X509-SVID), which can be
 * swapped while running. Use {@link #url()} as the bundle endpoint URL.
 *
 * <pre>{@code
 * try (FakeBundleEndpoint ep = FakeBundleEndpoint.start(ca.issueSvid(CertSpec.server("localhost").ipAddresses("127.0.0.1")))) {
 *     ep.body(bundle.marshal());
 *     client.fetch(new BundleEndpoint(td, ep.url(), new BundleEndpointProfile.HttpsWeb()), null);
 * }
 * }</pre>
 */
public final class FakeBundleEndpoint implements AutoCloseable {

    private final HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile X509SvidMaterial identity;
    private volatile byte[] body = "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8);
    private volatile int status = 200;
    private volatile Duration delay = Duration.ZERO;
    private volatile String location;
    private volatile String redirectOnce;
    private volatile boolean clientCertificateSeen;

    private FakeBundleEndpoint(X509SvidMaterial identity) throws Exception {
        this.identity = identity;
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(new KeyManager[] {new SwappableKeyManager()}, null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                // Ask for a client certificate so a test can prove that none is sent (FED §5: no client auth).
                javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                try {
                    ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession().getPeerCertificates();
                    clientCertificateSeen = true;
                } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                    // expected: bundle endpoint clients do not authenticate
                }
                sleep(delay);
                String once = redirectOnce;
                if (once != null) {
                    redirectOnce = null;
                    exchange.getResponseHeaders().add("Location", once);
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                if (location != null) {
                    exchange.getResponseHeaders().add("Location", location);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                byte[] b = body;
                exchange.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(b);
                }
            } catch (IOException ignored) {
                // the client went away (timeout tests)
            } finally {
                inFlight.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
    }

    /** Starts a server presenting {@code identity} (leaf first, with its private key). */
    public static FakeBundleEndpoint start(X509SvidMaterial identity) {
        try {
            return new FakeBundleEndpoint(identity);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fake bundle endpoint", e);
        }
    }

    /** {@code https://localhost:<port>/bundle} (the host name matches {@code CertSpec.server("localhost")}). */
    public URI url() {
        return URI.create("https://localhost:" + server.getAddress().getPort() + "/bundle");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public FakeBundleEndpoint body(byte[] b) {
        this.body = b.clone();
        return this;
    }

    public FakeBundleEndpoint body(String s) {
        return body(s.getBytes(StandardCharsets.UTF_8));
    }

    public FakeBundleEndpoint status(int s) {
        this.status = s;
        return this;
    }

    /** Waits this long before answering each request. */
    public FakeBundleEndpoint delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** Adds a {@code Location} header (set the status to 3xx for a redirect); null removes it. */
    public FakeBundleEndpoint location(String l) {
        this.location = l;
        return this;
    }

    /** Answers the next request with a 302 to {@code target}, then serves normally again. */
    public FakeBundleEndpoint redirectOnce(String target) {
        this.redirectOnce = target;
        return this;
    }

    /** Reports whether any client presented a TLS client certificate. */
    public boolean clientCertificateSeen() {
        return clientCertificateSeen;
    }

    /** Presents another certificate chain from the next handshake on. */
    public FakeBundleEndpoint identity(X509SvidMaterial id) {
        this.identity = id;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** The largest number of requests this server was answering at the same time. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private static void sleep(Duration d) {
        if (!d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class SwappableKeyManager extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return "id";
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "id";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity.chain().toArray(X509Certificate[]::new);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.privateKey();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {"id"};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
