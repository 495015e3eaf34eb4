package dev.accord.spiffe.testing;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * CertSpec describes a certificate for {@link TestCa} to issue. Start from {@link #svid}, {@link #ca} or
 * {@link #server} and change one property to build a deliberately broken case.
 */
public final class CertSpec {

    static final String DEFAULT_SUBJECT_DN = "O=Accord Test";

    private String subjectDn = DEFAULT_SUBJECT_DN;
    private boolean isCa;
    private boolean basicConstraints = true;
    private int keyUsage;
    private boolean keyUsageCritical = true;
    private final List<KeyPurposeId> extendedKeyUsages = new ArrayList<>();
    private final List<String> uris = new ArrayList<>();
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> ipAddresses = new ArrayList<>();
    private Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));
    private Instant notAfter = Instant.now().plus(Duration.ofHours(1));
    private KeyPair keyPair;

    private CertSpec() {
    }

    /** A conforming X509-SVID leaf: one URI SAN, not a CA, critical key usage digitalSignature. */
    public static CertSpec svid(String spiffeId) {
        CertSpec s = new CertSpec();
        s.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement;
        s.uris.add(spiffeId);
        s.extendedKeyUsages.add(KeyPurposeId.id_kp_serverAuth);
        s.extendedKeyUsages.add(KeyPurposeId.id_kp_clientAuth);
        return s;
    }

    /** A conforming signing certificate: cA=true, keyCertSign + cRLSign, the trust domain's ID as URI SAN. */
    public static CertSpec ca(String trustDomainId) {
        CertSpec s = new CertSpec();
        s.isCa = true;
        s.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
        if (trustDomainId != null) {
            s.uris.add(trustDomainId);
        }
        s.notAfter = Instant.now().plus(Duration.ofDays(30));
        return s;
    }

    /** A Web PKI TLS server certificate with DNS and IP SANs (for https_web endpoints). */
    public static CertSpec server(String... dnsNames) {
        CertSpec s = new CertSpec();
        s.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
        s.dnsNames.addAll(List.of(dnsNames));
        s.extendedKeyUsages.add(KeyPurposeId.id_kp_serverAuth);
        return s;
    }

    public CertSpec subjectDn(String dn) {
        this.subjectDn = dn;
        return this;
    }

    public CertSpec ca(boolean ca) {
        this.isCa = ca;
        return this;
    }

    public CertSpec noBasicConstraints() {
        this.basicConstraints = false;
        return this;
    }

    /** Sets the key usage bits (BouncyCastle {@code KeyUsage} constants); a negative value omits the extension. */
    public CertSpec keyUsage(int bits) {
        this.keyUsage = bits;
        return this;
    }

    public CertSpec keyUsageCritical(boolean critical) {
        this.keyUsageCritical = critical;
        return this;
    }

    public CertSpec extendedKeyUsages(KeyPurposeId... ekus) {
        this.extendedKeyUsages.clear();
        this.extendedKeyUsages.addAll(List.of(ekus));
        return this;
    }

    public CertSpec uris(String... uris) {
        this.uris.clear();
        this.uris.addAll(List.of(uris));
        return this;
    }

    public CertSpec addUri(String uri) {
        this.uris.add(uri);
        return this;
    }

    public CertSpec dnsNames(String... names) {
        this.dnsNames.clear();
        this.dnsNames.addAll(List.of(names));
        return this;
    }

    public CertSpec ipAddresses(String... ips) {
        this.ipAddresses.clear();
        this.ipAddresses.addAll(List.of(ips));
        return this;
    }

    public CertSpec validity(Instant notBefore, Instant notAfter) {
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        return this;
    }

    public CertSpec keyPair(KeyPair keyPair) {
        this.keyPair = keyPair;
        return this;
    }

    String subjectDn() { return subjectDn; }
    boolean isCa() { return isCa; }
    boolean basicConstraints() { return basicConstraints; }
    int keyUsage() { return keyUsage; }
    boolean keyUsageCritical() { return keyUsageCritical; }
    List<KeyPurposeId> extendedKeyUsages() { return extendedKeyUsages; }
    List<String> uris() { return uris; }
    List<String> dnsNames() { return dnsNames; }
    List<String> ipAddresses() { return ipAddresses; }
    Instant notBefore() { return notBefore; }
    Instant notAfter() { return notAfter; }
    KeyPair keyPair() { return keyPair; }
}
