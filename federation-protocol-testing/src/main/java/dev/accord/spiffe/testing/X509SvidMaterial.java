package dev.accord.spiffe.testing;

import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * X509SvidMaterial is a leaf certificate, its intermediates and its private key, as issued by {@link TestCa}.
 *
 * @param chain leaf first, then intermediates (the root is not included)
 * @param privateKey the leaf's private key
 */
public record X509SvidMaterial(List<X509Certificate> chain, PrivateKey privateKey) {

    public X509SvidMaterial {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** Returns an in-memory PKCS#12 key store holding this key and chain under alias {@code svid}. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("svid", privateKey, password, chain.toArray(Certificate[]::new));
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns a TLS server context presenting this chain, with no client authentication and no trust store. */
    public SSLContext serverSslContext() {
        try {
            char[] pw = "test".toCharArray();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore(pw), pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
