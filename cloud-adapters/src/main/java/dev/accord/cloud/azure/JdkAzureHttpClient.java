package dev.accord.cloud.azure;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An azure-core {@link com.azure.core.http.HttpClient} on the JDK's HTTP client, so azure-identity (and MSAL through
 * it) runs without Netty next to Micronaut's. An optional URI rewrite routes requests elsewhere (private
 * connectivity, tests) while the SDK keeps its real authority URLs.
 */
public final class JdkAzureHttpClient implements com.azure.core.http.HttpClient {

    private static final List<String> RESTRICTED = List.of("connection", "content-length", "host", "expect", "upgrade");

    private final HttpClient http;
    private final UnaryOperator<URI> rewrite;

    public JdkAzureHttpClient(SSLContext tls, UnaryOperator<URI> rewrite) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
        this.rewrite = rewrite == null ? UnaryOperator.identity() : rewrite;
    }

    public JdkAzureHttpClient() {
        this(null, null);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.fromFuture(() -> {
            try {
                URI uri = rewrite.apply(request.getUrl().toURI());
                BinaryData body = request.getBodyAsBinaryData();
                java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .method(request.getHttpMethod().name(), body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toBytes()));
                for (HttpHeader h : request.getHeaders()) {
                    if (!RESTRICTED.contains(h.getName().toLowerCase())) {
                        b.header(h.getName(), h.getValue());
                    }
                }
                return http.sendAsync(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                        .thenApply(r -> new Response(request, r));
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        });
    }

    private static final class Response extends HttpResponse {
        private final java.net.http.HttpResponse<byte[]> r;
        private final HttpHeaders headers = new HttpHeaders();

        Response(HttpRequest request, java.net.http.HttpResponse<byte[]> r) {
            super(request);
            this.r = r;
            for (Map.Entry<String, List<String>> e : r.headers().map().entrySet()) {
                headers.set(e.getKey(), e.getValue());
            }
        }

        @Override
        public int getStatusCode() {
            return r.statusCode();
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(r.body()));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(r.body());
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(r.body(), StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(r.body(), charset));
        }
    }
}
