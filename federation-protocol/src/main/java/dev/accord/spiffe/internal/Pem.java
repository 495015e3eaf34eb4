package dev.accord.spiffe.internal;

import dev.accord.spiffe.BundleException;
import dev.accord.spiffe.Reason;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pem reads and writes PEM {@code CERTIFICATE} blocks (RFC 7468 §5). */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    private Pem() {
    }

    /**
     * Decodes every {@code CERTIFICATE} block; other block types are refused (a bundle never holds keys).
     *
     * @throws BundleException MALFORMED_CERTIFICATE, PRIVATE_KEY_MATERIAL or NOT_A_CA
     */
    public static List<X509Certificate> certificates(byte[] pem, String what) {
        if (pem == null) {
            throw new BundleException(Reason.MALFORMED_CERTIFICATE, what + ": no PEM data");
        }
        String text = new String(pem, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        List<X509Certificate> out = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).contains("PRIVATE")) {
                throw new BundleException(Reason.PRIVATE_KEY_MATERIAL, what + ": PEM holds a private key");
            }
            if (!m.group(1).equals("CERTIFICATE")) {
                throw new BundleException(Reason.MALFORMED_CERTIFICATE,
                        what + ": unexpected PEM block \"" + m.group(1) + "\"");
            }
            try {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der));
                if (c.getBasicConstraints() < 0) {
                    throw new BundleException(Reason.NOT_A_CA, what + ": certificate " + (out.size() + 1)
                            + " is not a CA certificate");
                }
                out.add(c);
            } catch (CertificateException | IllegalArgumentException e) {
                throw new BundleException(Reason.MALFORMED_CERTIFICATE,
                        what + ": certificate " + (out.size() + 1) + " cannot be decoded");
            }
        }
        if (out.isEmpty()) {
            throw new BundleException(Reason.MALFORMED_CERTIFICATE, what + ": no PEM CERTIFICATE block found");
        }
        return out;
    }

    /** Encodes certificates as PEM blocks with 64-character lines. */
    public static byte[] encode(List<X509Certificate> certs) {
        StringBuilder b = new StringBuilder();
        Base64.Encoder enc = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (X509Certificate c : certs) {
            try {
                b.append("-----BEGIN CERTIFICATE-----\n").append(enc.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
