package dev.accord.spiffe.svid.x509;

import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SvidException;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.bundle.x509.X509BundleSource;
import dev.accord.spiffe.spiffeid.SpiffeId;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * X509SvidVerifier verifies an X509-SVID chain against the X.509 bundle of the leaf's own trust domain
 * (X509-SVID.md §4-§5). Thread-safe; build once.
 *
 * <p>Validity is checked with a bounded clock skew: a certificate counts as valid from {@code notBefore - skew}
 * to {@code notAfter + skew}. RFC 5280 path validation then runs at the verifier's clock, moved by at most the
 * skew into the chain's validity window, so that the skew allowance is consistent across both checks.
 * Revocation is not checked: SPIFFE relies on short-lived SVIDs and bundle rotation instead.
 */
public final class X509SvidVerifier {

    /** The largest skew a verifier accepts; a larger one would defeat the expiry check. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);

    /** Chains longer than this are rejected before path building, which is costly. */
    static final int MAX_CHAIN_LENGTH = 16;

    private final Clock clock;
    private final Duration clockSkew;

    /**
     * Creates a verifier that reads the time from {@code clock} and allows {@code clockSkew} either way.
     *
     * @throws IllegalArgumentException if the skew is negative or larger than {@link #MAX_CLOCK_SKEW}
     */
    public X509SvidVerifier(Clock clock, Duration clockSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW);
        }
    }

    /** A verifier on the system clock with a 30-second skew allowance. */
    public static X509SvidVerifier create() {
        return new X509SvidVerifier(Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /**
     * Verifies {@code chain} (leaf first, then intermediates) and returns the SVID.
     *
     * @throws dev.accord.spiffe.SvidException naming the rule the chain breaks
     * @throws dev.accord.spiffe.BundleNotFoundException if no bundle is held for the leaf's trust domain
     */
    public X509Svid verify(List<X509Certificate> chain, X509BundleSource bundles) {
        Objects.requireNonNull(bundles, "bundles");
        List<X509Certificate> certs = checkShape(chain);
        X509Certificate leaf = certs.getFirst();
        List<X509Certificate> intermediates = certs.subList(1, certs.size());

        SpiffeId id = SvidCertificateRules.checkLeaf(leaf);
        intermediates.forEach(SvidCertificateRules::checkSigningCertificate);

        Instant now = clock.instant();
        SvidCertificateRules.checkValidity(leaf, "leaf", now, clockSkew);
        intermediates.forEach(c -> SvidCertificateRules.checkValidity(c, "intermediate", now, clockSkew));

        // X509-SVID.md §5.1 with SPIFFE_Trust_Domain_and_Bundle.md §3: only the bundle of the trust domain
        // named by the leaf's own SPIFFE ID may anchor the chain; a root of any other domain does not count.
        X509Bundle bundle = bundles.bundleFor(id.trustDomain());
        if (bundle.authorities().isEmpty()) {
            // TB §4.1.3: a bundle without usable keys means every SVID of the domain is invalid.
            throw new SvidException(Reason.CHAIN_INVALID,
                    "X.509 bundle of trust domain \"" + id.trustDomain() + "\" has no authorities");
        }
        PKIXCertPathBuilderResult result = buildPath(leaf, certs, bundle, pkixDate(now, certs));
        X509Certificate root = result.getTrustAnchor().getTrustedCert();
        SvidCertificateRules.checkValidity(root, "root", now, clockSkew);

        List<X509Certificate> verified = new ArrayList<>();
        result.getCertPath().getCertificates().forEach(c -> verified.add((X509Certificate) c));
        verified.add(root);
        return new X509Svid(id, verified);
    }

    private static List<X509Certificate> checkShape(List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            throw new SvidException(Reason.MALFORMED_CERTIFICATE, "certificate chain is empty");
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            throw new SvidException(Reason.MALFORMED_CERTIFICATE,
                    "certificate chain has " + chain.size() + " certificates; at most " + MAX_CHAIN_LENGTH
                            + " are accepted");
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (c == null) {
                throw new SvidException(Reason.MALFORMED_CERTIFICATE, "certificate chain contains a null entry");
            }
            SvidCertificateRules.checkEncoding(c, i == 0 ? "leaf" : "intermediate");
        }
        return List.copyOf(chain);
    }

    // RFC 5280 §6.1.3(a)(2) checks validity at one instant. Our own checks already allowed the skew, so move
    // the instant (by at most the skew) into each certificate's window to keep the two checks in agreement.
    private static Instant pkixDate(Instant now, List<X509Certificate> certs) {
        Instant date = now;
        for (X509Certificate c : certs) {
            Instant notAfter = c.getNotAfter().toInstant();
            Instant notBefore = c.getNotBefore().toInstant();
            if (date.isAfter(notAfter)) {
                date = notAfter;
            }
            if (date.isBefore(notBefore)) {
                date = notBefore;
            }
        }
        return date;
    }

    private static PKIXCertPathBuilderResult buildPath(X509Certificate leaf, List<X509Certificate> certs,
                                                       X509Bundle bundle, Instant date) {
        Set<TrustAnchor> anchors = new HashSet<>();
        bundle.authorities().forEach(a -> anchors.add(new TrustAnchor(a, null)));
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(leaf);
        try {
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(date));
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(certs)));
            params.setMaxPathLength(MAX_CHAIN_LENGTH);
            return (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        } catch (GeneralSecurityException e) {
            // The builder's message names no secret material, only which step failed.
            throw new SvidException(Reason.CHAIN_INVALID,
                    "certificate chain does not verify to a root of trust domain \"" + bundle.trustDomain()
                            + "\" (X509-SVID §5.1): " + e.getMessage(), e);
        }
    }
}
