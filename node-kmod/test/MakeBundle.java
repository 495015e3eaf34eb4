// Test helper (run with `java MakeBundle.java CA.pem SEQUENCE`): prints a SPIFFE bundle (JWKS) whose one
// x509-svid key is the given EC P-256 CA certificate — what a SPIRE server's bundle endpoint serves
// (SPIFFE Trust Domain and Bundle §4). JDK classes only.
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

public class MakeBundle {
    static String coordinate(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    public static void main(String[] args) throws Exception {
        byte[] pem = Files.readAllBytes(Path.of(args[0]));
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
        ECPublicKey k = (ECPublicKey) ca.getPublicKey();
        System.out.printf("{\"keys\":[{\"use\":\"x509-svid\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\","
                        + "\"x5c\":[\"%s\"]}],\"spiffe_sequence\":%s,\"spiffe_refresh_hint\":60}%n",
                coordinate(k.getW().getAffineX()), coordinate(k.getW().getAffineY()),
                Base64.getEncoder().encodeToString(ca.getEncoded()), args[1]);
    }
}
