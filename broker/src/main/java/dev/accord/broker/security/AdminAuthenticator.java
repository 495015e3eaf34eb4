package dev.accord.broker.security;

import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.bundle.x509.X509Bundle;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.svid.x509.X509Svid;
import dev.accord.spiffe.svid.x509.X509SvidVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * AdminAuthenticator decides who an admin request comes from: a bearer token whose SHA-256 equals the configured
 * one (compared in constant time), or a TLS client certificate that is a valid X509-SVID of the admin trust
 * bundle with a SPIFFE ID on the admin list. The token itself is never stored or logged.
 */
@io.micronaut.context.annotation.Context
public class AdminAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthenticator.class);

    private final byte[] tokenHash;
    private final Set<SpiffeId> admins;
    private final X509Bundle trust;
    private final X509SvidVerifier verifier = X509SvidVerifier.create();

    AdminAuthenticator(AdminSecurityConfig config) {
        if (config.tokenSha256() != null && !config.tokenSha256().isBlank()) {
            tokenHash = HexFormat.of().parseHex(config.tokenSha256().trim().toLowerCase());
        } else if (config.token() != null && !config.token().isBlank()) {
            tokenHash = sha256(config.token());
        } else if (config.devToken()) {
            LOG.warn("No admin credential configured (ACCORD_ADMIN_TOKEN): the development token \"{}\" grants admin"
                    + " access. Set ACCORD_ADMIN_TOKEN, or ACCORD_ADMIN_DEV_TOKEN=false, before exposing this broker.",
                    AdminSecurityConfig.DEV_TOKEN);
            tokenHash = sha256(AdminSecurityConfig.DEV_TOKEN);
        } else {
            tokenHash = null;
        }
        admins = config.spiffeIds() == null ? Set.of()
                : config.spiffeIds().stream().map(SpiffeId::parse).collect(Collectors.toUnmodifiableSet());
        trust = loadTrust(config.trustBundle());
    }

    /** The outcome of {@link #authenticate}. */
    public sealed interface Outcome {
        /** No credential was presented. */
        record Anonymous() implements Outcome {
        }

        /** A credential was presented and is not acceptable; {@code forbidden} when it authenticated but is no admin. */
        record Refused(boolean forbidden, String reason) implements Outcome {
        }

        /** An admin; {@code principal} is recorded in audit entries. */
        record Admin(String principal) implements Outcome {
        }
    }

    public Outcome authenticate(Optional<String> authorization, List<X509Certificate> clientChain) {
        if (authorization.isPresent()) {
            String h = authorization.get();
            if (!h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() <= 7) {
                return new Outcome.Refused(false, "Authorization must be a Bearer token");
            }
            byte[] presented = sha256(h.substring(7).trim());
            if (tokenHash != null && MessageDigest.isEqual(presented, tokenHash)) {
                return new Outcome.Admin("token:" + HexFormat.of().formatHex(presented).substring(0, 12));
            }
            return new Outcome.Refused(false, "the bearer token is not valid");
        }
        if (!clientChain.isEmpty()) {
            if (trust == null) {
                return new Outcome.Refused(true, "client certificates are not accepted for admin access"
                        + " (accord.admin.trust-bundle is not configured)");
            }
            X509Svid svid;
            try {
                svid = verifier.verify(clientChain, td -> {
                    if (!td.equals(trust.trustDomain())) {
                        throw new dev.accord.spiffe.BundleNotFoundException(dev.accord.spiffe.Reason.BUNDLE_NOT_FOUND,
                                "no admin trust bundle for trust domain " + td);
                    }
                    return trust;
                });
            } catch (SpiffeException e) {
                return new Outcome.Refused(false, "the client certificate is not a valid X509-SVID: " + e.getMessage());
            }
            if (!admins.contains(svid.id())) {
                return new Outcome.Refused(true, svid.id() + " is not an admin");
            }
            return new Outcome.Admin(svid.id().toString());
        }
        return new Outcome.Anonymous();
    }

    private static X509Bundle loadTrust(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            byte[] pem = Files.readAllBytes(Path.of(file));
            X509Certificate first = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(pem));
            return X509Bundle.parse(trustDomainOf(first).trustDomain(), pem);
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot read accord.admin.trust-bundle " + file + ": " + e.getMessage());
        }
    }

    private static SpiffeId trustDomainOf(X509Certificate ca) {
        try {
            if (ca.getSubjectAlternativeNames() != null) {
                for (List<?> san : ca.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(san.get(0))) {
                        return SpiffeId.parse(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException | SpiffeException e) {
            // fall through
        }
        throw new IllegalStateException("accord.admin.trust-bundle: the first CA has no SPIFFE ID URI SAN naming its trust domain");
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
