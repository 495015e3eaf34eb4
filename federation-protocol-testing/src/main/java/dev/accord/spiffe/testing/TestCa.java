package dev.accord.spiffe.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * TestCa is an in-memory certificate authority for tests: it issues SPIFFE CA certificates, intermediates,
 * X509-SVIDs (well-formed or deliberately broken through {@link CertSpec}) and Web PKI server certificates.
 * Keys are EC P-256 unless a spec says otherwise. Nothing here is for production.
 */
public final class TestCa {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String trustDomain;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final List<X509Certificate> chainToRoot;

    private TestCa(String trustDomain, KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chainToRoot) {
        this.trustDomain = trustDomain;
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.chainToRoot = List.copyOf(chainToRoot);
    }

    /** Creates a self-signed root CA for the trust domain, with URI SAN {@code spiffe://<td>}. */
    public static TestCa create(String trustDomain) {
        return create(trustDomain, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(365)));
    }

    /** Creates a self-signed root CA with the given validity window. */
    public static TestCa create(String trustDomain, Instant notBefore, Instant notAfter) {
        KeyPair kp = Keys.ec("secp256r1");
        CertSpec spec = CertSpec.ca("spiffe://" + trustDomain).validity(notBefore, notAfter);
        X509Certificate cert = sign(spec, kp.getPublic(), new X500Name("CN=" + trustDomain + " root"), kp);
        return new TestCa(trustDomain, kp, cert, List.of(cert));
    }

    /** Issues an intermediate CA under this CA. */
    public TestCa intermediate() {
        return intermediate(CertSpec.ca("spiffe://" + trustDomain));
    }

    /**
     * Issues an intermediate under this CA from {@code spec}, which may be deliberately broken (not a CA, no
     * keyCertSign, expired); the returned CA can still issue certificates.
     */
    public TestCa intermediate(CertSpec spec) {
        KeyPair kp = spec.keyPair() != null ? spec.keyPair() : Keys.ec("secp256r1");
        if (spec.subjectDn().equals(CertSpec.DEFAULT_SUBJECT_DN)) {
            // A CA sharing its leaves' subject name would make them look self-issued to path building.
            spec.subjectDn("CN=" + trustDomain + " intermediate " + new BigInteger(32, RANDOM));
        }
        X509Certificate cert = issue(spec, kp);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(chainToRoot);
        return new TestCa(trustDomain, kp, cert, chain);
    }

    /** Issues a well-formed X509-SVID with the given SPIFFE ID. */
    public X509SvidMaterial issueSvid(String spiffeId) {
        return issueSvid(CertSpec.svid(spiffeId));
    }

    /** Issues a leaf certificate per {@code spec}; the chain runs leaf, intermediates (not the root). */
    public X509SvidMaterial issueSvid(CertSpec spec) {
        KeyPair kp = spec.keyPair() != null ? spec.keyPair() : Keys.ec("secp256r1");
        X509Certificate leaf = issue(spec, kp);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(chainToRoot.subList(0, chainToRoot.size() - 1));
        return new X509SvidMaterial(chain, kp.getPrivate());
    }

    /** Issues a certificate for {@code spec} signed by this CA, with the given subject key. */
    public X509Certificate issue(CertSpec spec, KeyPair subjectKeys) {
        return sign(spec, subjectKeys.getPublic(), X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                keyPair);
    }

    public String trustDomain() {
        return trustDomain;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public X509Certificate rootCertificate() {
        return chainToRoot.get(chainToRoot.size() - 1);
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    private static X509Certificate sign(CertSpec spec, java.security.PublicKey subjectKey, X500Name issuer,
                                        KeyPair issuerKeys) {
        try {
            X500Name subject = new X500Name(spec.subjectDn());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(96, RANDOM),
                    Date.from(spec.notBefore()), Date.from(spec.notAfter()), subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            if (spec.basicConstraints()) {
                b.addExtension(Extension.basicConstraints, true,
                        spec.isCa() ? new BasicConstraints(true) : new BasicConstraints(false));
            }
            if (spec.keyUsage() >= 0) {
                b.addExtension(Extension.keyUsage, spec.keyUsageCritical(), new KeyUsage(spec.keyUsage()));
            }
            if (!spec.extendedKeyUsages().isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(spec.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            }
            List<GeneralName> names = new ArrayList<>();
            spec.uris().forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            spec.dnsNames().forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            spec.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            String alg = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("test certificate generation failed", e);
        }
    }

    /** Key generation for tests. */
    public static final class Keys {
        private Keys() {
        }

        /** Generates an EC key pair on the named curve (secp256r1, secp384r1, secp521r1). */
        public static KeyPair ec(String curve) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec(curve));
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Generates an RSA key pair of the given size. */
        public static KeyPair rsa(int bits) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(bits);
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
