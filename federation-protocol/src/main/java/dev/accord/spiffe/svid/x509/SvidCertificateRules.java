package dev.accord.spiffe.svid.x509;

import dev.accord.spiffe.InvalidSpiffeIdException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SvidException;
import dev.accord.spiffe.spiffeid.SpiffeId;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * SvidCertificateRules holds the per-certificate rules of X509-SVID.md §2-§4 and §5.2 that RFC 5280 path
 * validation does not enforce. Stateless.
 */
final class SvidCertificateRules {

    /** Key usage extension OID (RFC 5280 §4.2.1.3). */
    private static final String OID_KEY_USAGE = "2.5.29.15";
    private static final String OID_EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String OID_EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int SAN_URI = 6;

    // Indices into X509Certificate.getKeyUsage() (RFC 5280 §4.2.1.3 bit order).
    private static final int KU_DIGITAL_SIGNATURE = 0;
    private static final int KU_KEY_CERT_SIGN = 5;
    private static final int KU_CRL_SIGN = 6;

    private SvidCertificateRules() {
    }

    /**
     * Checks the leaf rules and returns its SPIFFE ID.
     *
     * @throws SvidException naming the broken rule
     */
    static SpiffeId checkLeaf(X509Certificate leaf) {
        SpiffeId id = leafId(leaf);
        // X509-SVID.md §4.1 and §5.2: leaf certificates MUST set cA to false.
        if (leaf.getBasicConstraints() != -1) {
            throw new SvidException(Reason.LEAF_IS_CA, "leaf certificate must not be a CA (X509-SVID §4.1)");
        }
        // §4.3: key usage MUST be set on all SVIDs and MUST be marked critical.
        boolean[] ku = leaf.getKeyUsage();
        if (ku == null) {
            throw new SvidException(Reason.INVALID_KEY_USAGE, "leaf certificate has no key usage (X509-SVID §4.3)");
        }
        if (!leaf.getCriticalExtensionOIDs().contains(OID_KEY_USAGE)) {
            throw new SvidException(Reason.INVALID_KEY_USAGE,
                    "leaf certificate key usage must be marked critical (X509-SVID §4.3)");
        }
        // §4.3 and §5.2: leaf SVIDs MUST set digitalSignature and MUST NOT set keyCertSign or cRLSign.
        if (!bit(ku, KU_DIGITAL_SIGNATURE)) {
            throw new SvidException(Reason.INVALID_KEY_USAGE,
                    "leaf certificate must have digitalSignature key usage (X509-SVID §4.3)");
        }
        if (bit(ku, KU_KEY_CERT_SIGN)) {
            throw new SvidException(Reason.INVALID_KEY_USAGE,
                    "leaf certificate must not have keyCertSign key usage (X509-SVID §4.3)");
        }
        if (bit(ku, KU_CRL_SIGN)) {
            throw new SvidException(Reason.INVALID_KEY_USAGE,
                    "leaf certificate must not have cRLSign key usage (X509-SVID §4.3)");
        }
        checkLeafExtendedKeyUsage(leaf);
        return id;
    }

    /**
     * Checks a signing certificate supplied with the leaf (X509-SVID.md §3.2, §4.1, §4.3).
     *
     * @throws SvidException naming the broken rule
     */
    static void checkSigningCertificate(X509Certificate ca) {
        if (ca.getBasicConstraints() == -1) {
            throw new SvidException(Reason.NOT_A_CA,
                    "signing certificate must have cA set to true (X509-SVID §4.1)");
        }
        boolean[] ku = ca.getKeyUsage();
        if (!bit(ku, KU_KEY_CERT_SIGN)) {
            throw new SvidException(Reason.INVALID_KEY_USAGE,
                    "signing certificate must have keyCertSign key usage (X509-SVID §4.3)");
        }
        // §3.2: if present, the SPIFFE ID of a signing certificate MUST NOT have a path component.
        for (String uri : uriSans(ca)) {
            if (uri.startsWith("spiffe://")) {
                SpiffeId id = parseId(uri, "signing certificate");
                if (!id.isTrustDomainId()) {
                    throw new SvidException(Reason.PATH_NOT_ALLOWED,
                            "signing certificate SPIFFE ID must not have a path (X509-SVID §3.2): " + id);
                }
            }
        }
    }

    /**
     * Checks {@code cert}'s validity window at {@code now}, allowing {@code skew} either side.
     *
     * @throws SvidException EXPIRED or NOT_YET_VALID
     */
    static void checkValidity(X509Certificate cert, String role, Instant now, Duration skew) {
        if (now.minus(skew).isAfter(cert.getNotAfter().toInstant())) {
            throw new SvidException(Reason.EXPIRED, role + " certificate has expired");
        }
        if (now.plus(skew).isBefore(cert.getNotBefore().toInstant())) {
            throw new SvidException(Reason.NOT_YET_VALID, role + " certificate is not yet valid");
        }
    }

    /**
     * Checks that {@code cert} is strict DER (RFC 5280 §4.1) with an octet-aligned signature, so that one
     * certificate has exactly one encoding. The JDK's parser accepts, for example, a signature BIT STRING
     * that declares unused bits, which lets a peer alter a signed certificate's bytes without breaking it.
     *
     * @throws SvidException MALFORMED_CERTIFICATE
     */
    static void checkEncoding(X509Certificate cert, String role) {
        byte[] der;
        org.bouncycastle.asn1.x509.Certificate parsed;
        try {
            der = cert.getEncoded();
            parsed = org.bouncycastle.asn1.x509.Certificate.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (CertificateEncodingException | IOException | RuntimeException e) {
            throw new SvidException(Reason.MALFORMED_CERTIFICATE, role + " certificate is not valid DER", e);
        }
        boolean strict;
        try {
            strict = Arrays.equals(der, parsed.getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            strict = false;
        }
        if (!strict || parsed.getSignature().getPadBits() != 0) {
            throw new SvidException(Reason.MALFORMED_CERTIFICATE,
                    role + " certificate is not in canonical DER (RFC 5280 §4.1)");
        }
    }

    private static SpiffeId leafId(X509Certificate leaf) {
        List<String> uris = uriSans(leaf);
        // X509-SVID.md §2: an X.509 SVID MUST contain exactly one URI SAN; validators MUST reject more than one.
        if (uris.isEmpty()) {
            throw new SvidException(Reason.MISSING_URI_SAN, "leaf certificate has no URI SAN (X509-SVID §2)");
        }
        if (uris.size() > 1) {
            throw new SvidException(Reason.MULTIPLE_URI_SANS,
                    "leaf certificate has " + uris.size() + " URI SANs; exactly one is allowed (X509-SVID §2)");
        }
        SpiffeId id = parseId(uris.getFirst(), "leaf certificate");
        // §3.1 and §5.2: leaf certificate SPIFFE IDs MUST have a non-root path component.
        if (id.isTrustDomainId()) {
            throw new SvidException(Reason.MISSING_PATH,
                    "leaf certificate SPIFFE ID must have a non-root path (X509-SVID §3.1): " + id);
        }
        return id;
    }

    private static void checkLeafExtendedKeyUsage(X509Certificate leaf) {
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new SvidException(Reason.MALFORMED_CERTIFICATE, "leaf extended key usage cannot be parsed", e);
        }
        if (eku == null) {
            return;
        }
        // §4.4: when included, id-kp-serverAuth and id-kp-clientAuth MUST be set (anyExtendedKeyUsage does not
        // stand in for them: the spec names the two purposes).
        if (!eku.contains(OID_EKU_SERVER_AUTH) || !eku.contains(OID_EKU_CLIENT_AUTH)) {
            throw new SvidException(Reason.INVALID_EXTENDED_KEY_USAGE,
                    "leaf extended key usage must include serverAuth and clientAuth (X509-SVID §4.4)");
        }
    }

    private static SpiffeId parseId(String uri, String role) {
        try {
            return SpiffeId.parse(uri);
        } catch (InvalidSpiffeIdException e) {
            throw new SvidException(Reason.INVALID_URI_SAN,
                    role + " URI SAN is not a valid SPIFFE ID: " + e.getMessage(), e);
        }
    }

    static List<String> uriSans(X509Certificate cert) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new SvidException(Reason.MALFORMED_CERTIFICATE, "subject alternative names cannot be parsed", e);
        }
        List<String> uris = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_URI) {
                    uris.add(Optional.ofNullable(san.get(1)).map(Object::toString).orElse(""));
                }
            }
        }
        return uris;
    }

    private static boolean bit(boolean[] bits, int index) {
        return bits != null && bits.length > index && bits[index];
    }
}
