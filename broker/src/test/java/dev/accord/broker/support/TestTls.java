package dev.accord.broker.support;

import dev.accord.spiffe.testing.CertSpec;
import dev.accord.spiffe.testing.TestCa;
import dev.accord.spiffe.testing.X509SvidMaterial;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;

/** TLS plumbing for broker tests: server properties with a TestCa-issued certificate, and TLS clients. */
public final class TestTls {

    private TestTls() {
    }

    /**
     * Properties that make the broker serve HTTPS on a random port with a localhost certificate from {@code ca},
     * asking clients for a certificate (trust in it is decided by the application).
     */
    public static Map<String, Object> serverProperties(TestCa ca) {
        return serverProperties(ca, ca.issueSvid(CertSpec.server("localhost").ipAddresses("127.0.0.1")));
    }

    /** The same with a given server identity (e.g. the broker's own X509-SVID). */
    public static Map<String, Object> serverProperties(TestCa ca, X509SvidMaterial server) {
        try {
            Path ks = Files.createTempDirectory("broker-tls").resolve("server.p12");
            try (OutputStream o = Files.newOutputStream(ks)) {
                server.keyStore("changeit".toCharArray()).store(o, "changeit".toCharArray());
            }
            Map<String, Object> p = new HashMap<>();
            p.put("micronaut.server.ssl.enabled", true);
            p.put("micronaut.server.ssl.port", -1);
            p.put("micronaut.server.ssl.build-self-signed", false);
            p.put("micronaut.server.ssl.client-authentication", "want");
            p.put("micronaut.server.ssl.key-store.path", "file:" + ks);
            p.put("micronaut.server.ssl.key-store.password", "changeit");
            p.put("micronaut.server.ssl.key-store.type", "PKCS12");
            return p;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP client trusting {@code serverCa}, presenting {@code clientCert} when not null. */
    public static HttpClient client(TestCa serverCa, X509SvidMaterial clientCert) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", serverCa.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientCert != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(clientCert.keyStore("pw".toCharArray()), "pw".toCharArray());
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ssl).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
