package dev.accord.broker.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.micronaut.http.ssl.SslConfiguration;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import jakarta.inject.Singleton;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Builds the server TLS context so that client certificates are authenticated by the application, not by a
 * static trust store: trust in an X509-SVID depends on the bundle of its own trust domain, which the broker
 * refreshes at runtime (SPIFFE X509-SVID §5). The TLS handshake still proves that the client holds the
 * certificate's private key; every consumer of the client certificate ({@link AdminAuthenticator}, the token
 * exchange's proof of possession) verifies it with {@code X509SvidVerifier} against the right bundle before use.
 * Server certificates and everything else are configured as usual under {@code micronaut.server.ssl}.
 */
@Singleton
@Replaces(CertificateProvidedSslBuilder.class)
public class SpiffeClientCertSslBuilder extends CertificateProvidedSslBuilder {

    public SpiffeClientCertSslBuilder(HttpServerConfiguration http, ServerSslConfiguration ssl, ResourceResolver resolver) {
        super(http, ssl, resolver);
    }

    @Override
    protected TrustManagerFactory getTrustManagerFactory(SslConfiguration ssl) {
        return new SimpleTrustManagerFactory() {
            @Override
            protected void engineInit(KeyStore keyStore) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters params) {
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[] {new DeferredClientTrust()};
            }
        };
    }

    /** Accepts any well-formed client chain at the TLS layer; the application decides. Never used for servers. */
    static final class DeferredClientTrust implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("empty client certificate chain");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the broker's server TLS context does not verify servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
