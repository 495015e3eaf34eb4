package dev.accord.spiffe.federation;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.FederationException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.bundle.spiffe.SpiffeBundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.svid.x509.X509SvidVerifier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * BundleEndpointClient fetches SPIFFE bundles from bundle endpoints (SPIFFE_Federation.md §5) with the
 * {@code https_web} profile (Web PKI, host name verified) or the {@code https_spiffe} profile (the server's
 * X509-SVID must verify against the bundle held for its trust domain and carry the configured endpoint SPIFFE ID).
 * Every failure is a {@link FederationException} with a {@link Reason}; the caller's held bundle is never touched.
 * Thread-safe; build once with {@link #builder()}.
 */
public final class BundleEndpointClient {

    private final Duration connectTimeout;
    private final Duration timeout;
    private final long maxBodyBytes;
    private final int maxRedirects;
    private final SSLContext webPki;
    private final X509SvidVerifier svidVerifier;

    private BundleEndpointClient(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxRedirects = b.maxRedirects;
        this.webPki = webPkiContext(b.webPkiRoots);
        this.svidVerifier = new X509SvidVerifier(b.clock, b.clockSkew);
    }

    /** A client with defaults: 5 s connect, 10 s overall, 1 MiB bodies, 3 same-host redirects, system Web PKI roots. */
    public BundleEndpointClient() {
        this(new Builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fetches the bundle served at {@code endpoint}. For {@code https_spiffe}, {@code endpointTrust} supplies the
     * bundle of the endpoint SPIFFE ID's trust domain that authenticates the server (FED §5.2.2, bootstrapped out
     * of band, then the last accepted bundle); it is unused for {@code https_web}.
     *
     * @throws FederationException naming why the fetch failed
     */
    public SpiffeBundle fetch(BundleEndpoint endpoint, X509BundleSource endpointTrust) {
        URI url = validate(endpoint.url());
        SSLContext ssl = switch (endpoint.profile()) {
            case BundleEndpointProfile.HttpsWeb w -> webPki;
            case BundleEndpointProfile.HttpsSpiffe s -> spiffeContext(new SpiffeServerTrust(s.endpointId(),
                    Objects.requireNonNull(endpointTrust, "endpointTrust is required for https_spiffe"), svidVerifier));
        };
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        URI current = url;
        for (int hop = 0; ; hop++) {
            Response r = get(http, current, deadline);
            if (r.status() >= 300 && r.status() < 400 && r.location() != null) {
                if (hop >= maxRedirects) {
                    throw new FederationException(Reason.REDIRECT_REJECTED, "more than " + maxRedirects + " redirects");
                }
                current = redirectTarget(url, current, r.location());
                continue;
            }
            if (r.status() != 200) {
                throw new FederationException(Reason.HTTP_STATUS, "bundle endpoint answered HTTP " + r.status()
                        + " (FED §5: a bundle is served with 200)");
            }
            try {
                return SpiffeBundle.parse(endpoint.trustDomain(), r.body());
            } catch (BundleException e) {
                throw new FederationException(e.reason(), "bundle endpoint served an invalid bundle: " + e.getMessage(), e);
            }
        }
    }

    private record Response(int status, String location, byte[] body) {
    }

    private Response get(HttpClient http, URI uri, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new FederationException(Reason.TIMEOUT, "bundle endpoint did not answer within " + timeout.toMillis() + " ms");
        }
        HttpRequest req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofNanos(left))
                .header("Accept", "application/json").build();
        CompletableFuture<Response> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(this::read);
        try {
            return f.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new FederationException(Reason.TIMEOUT, "bundle endpoint did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new FederationException(Reason.INTERRUPTED, "interrupted while fetching the bundle");
        } catch (ExecutionException e) {
            throw translate(e.getCause() == null ? e : e.getCause());
        }
    }

    private Response read(HttpResponse<InputStream> r) {
        String location = r.headers().firstValue("Location").orElse(null);
        long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream in = r.body()) {
            if (declared > maxBodyBytes) {
                throw new FederationException(Reason.RESPONSE_TOO_LARGE, "bundle of " + declared
                        + " bytes is over the limit of " + maxBodyBytes);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw new FederationException(Reason.RESPONSE_TOO_LARGE, "bundle is over the limit of " + maxBodyBytes + " bytes");
            }
            return new Response(r.statusCode(), location, body);
        } catch (IOException e) {
            throw new FederationException(Reason.CONNECT_FAILED, "reading the bundle failed: " + e.getMessage(), e);
        }
    }

    private static FederationException translate(Throwable t) {
        if (t instanceof FederationException f) {
            return f;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SpiffeServerTrust.Refused r) {
                return new FederationException(r.reason(), r.getMessage(), t);
            }
        }
        if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
            return new FederationException(Reason.TIMEOUT, "bundle endpoint timed out: " + t.getMessage(), t);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLHandshakeException || c instanceof javax.net.ssl.SSLException) {
                return new FederationException(Reason.TLS_FAILED, "TLS with the bundle endpoint failed: " + c.getMessage(), t);
            }
            if (c instanceof ConnectException) {
                return new FederationException(Reason.CONNECT_FAILED, "cannot connect to the bundle endpoint: "
                        + (c.getMessage() == null ? "connection refused" : c.getMessage()), t);
            }
        }
        return new FederationException(Reason.CONNECT_FAILED, "bundle fetch failed: " + t, t);
    }

    // FED §5 / TB §5: the endpoint is an https URL; userinfo would leak credentials and is refused.
    private static URI validate(URI url) {
        if (url == null || !"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new FederationException(Reason.INVALID_ENDPOINT_URL, "bundle endpoint URL must be an https URL with a host");
        }
        if (url.getRawUserInfo() != null) {
            throw new FederationException(Reason.INVALID_ENDPOINT_URL, "bundle endpoint URL must not contain userinfo");
        }
        return url;
    }

    // FED §5.2 / §7.5.1: a redirect target passes the same checks; Accord follows it only on the configured host
    // (and port), so the authenticated server is the one the operator named. The new location is never stored.
    private static URI redirectTarget(URI configured, URI current, String location) {
        URI target;
        try {
            target = current.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new FederationException(Reason.REDIRECT_REJECTED, "redirect Location is not a URI");
        }
        if (!"https".equalsIgnoreCase(target.getScheme()) || target.getRawUserInfo() != null) {
            throw new FederationException(Reason.REDIRECT_REJECTED, "redirect to a non-https URL is refused");
        }
        if (!configured.getHost().equalsIgnoreCase(target.getHost()) || port(configured) != port(target)) {
            throw new FederationException(Reason.REDIRECT_REJECTED, "redirect to another host (" + target.getHost()
                    + ") is refused");
        }
        return target;
    }

    private static int port(URI u) {
        return u.getPort() == -1 ? 443 : u.getPort();
    }

    private static SSLContext spiffeContext(SpiffeServerTrust trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext webPkiContext(List<X509Certificate> roots) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (roots == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (int i = 0; i < roots.size(); i++) {
                    ks.setCertificateEntry("root-" + i, roots.get(i));
                }
                tmf.init(ks);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the Web PKI trust context", e);
        }
    }

    /** Configures a {@link BundleEndpointClient}. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(10);
        private long maxBodyBytes = 1 << 20;
        private int maxRedirects = 3;
        private List<X509Certificate> webPkiRoots;
        private Clock clock = Clock.systemUTC();
        private Duration clockSkew = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            return this;
        }

        /** Overall limit for one fetch, redirects and body included. */
        public Builder timeout(Duration d) {
            this.timeout = positive(d, "timeout");
            return this;
        }

        public Builder maxBodyBytes(long n) {
            if (n <= 0) {
                throw new IllegalArgumentException("maxBodyBytes must be positive");
            }
            this.maxBodyBytes = n;
            return this;
        }

        public Builder maxRedirects(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative");
            }
            this.maxRedirects = n;
            return this;
        }

        /** Web PKI roots for {@code https_web} instead of the JDK's default trust store. */
        public Builder webPkiRoots(List<X509Certificate> roots) {
            this.webPkiRoots = List.copyOf(roots);
            return this;
        }

        /** Clock and skew for validating {@code https_spiffe} server SVIDs. */
        public Builder clock(Clock clock, Duration skew) {
            this.clock = Objects.requireNonNull(clock);
            this.clockSkew = Objects.requireNonNull(skew);
            return this;
        }

        public BundleEndpointClient build() {
            return new BundleEndpointClient(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
