package dev.accord.broker.exchange;

import com.nimbusds.jwt.SignedJWT;
import dev.accord.broker.audit.AuditLog;
import dev.accord.broker.issuer.IssuerService;
import dev.accord.broker.issuer.TokenIssuer;
import dev.accord.broker.mapping.CloudTarget;
import dev.accord.broker.mapping.Mapping;
import dev.accord.broker.mapping.MappingPolicy;
import dev.accord.broker.mapping.MappingService;
import dev.accord.spiffe.BundleNotFoundException;
import dev.accord.spiffe.Reason;
import dev.accord.spiffe.SpiffeException;
import dev.accord.spiffe.spiffeid.SpiffeId;
import dev.accord.spiffe.spiffeid.TrustDomain;
import dev.accord.spiffe.svid.jwt.JwtSvid;
import dev.accord.spiffe.svid.jwt.JwtSvidVerifier;
import dev.accord.spiffe.svid.x509.X509Svid;
import dev.accord.spiffe.svid.x509.X509SvidVerifier;
import jakarta.inject.Singleton;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TokenExchangeService performs the RFC 8693 exchange: a JWT-SVID in, verified against the federated JWT bundle
 * of its trust domain, authorized by the mapping policy (deny by default), optionally bound to the caller by
 * proof of possession, and a broker-signed token for the cloud out. Every decision is audited.
 */
@Singleton
public class TokenExchangeService {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    /** Requested to get the cloud's own credentials (AWS triple, GCP access token) instead of the broker token. */
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private final IssuerService issuer;
    private final MappingService mappings;
    private final MemberBundles bundles;
    private final AuditLog audit;
    private final ExchangeConfig config;
    private final JwtSvidVerifier jwtVerifier;
    private final X509SvidVerifier x509Verifier;
    private final DpopVerifier dpop;
    private final CloudCredentials clouds;

    TokenExchangeService(IssuerService issuer, MappingService mappings, MemberBundles bundles, AuditLog audit,
                         ExchangeConfig config, DpopVerifier.ReplayGuard replay, CloudCredentials clouds) {
        this.clouds = clouds;
        this.issuer = issuer;
        this.mappings = mappings;
        this.bundles = bundles;
        this.audit = audit;
        this.config = config;
        Clock clock = Clock.systemUTC();
        this.jwtVerifier = new JwtSvidVerifier(clock, config.clockSkew());
        this.x509Verifier = new X509SvidVerifier(clock, config.clockSkew());
        this.dpop = new DpopVerifier(clock, config.dpopWindow(), replay);
    }

    /**
     * The facts of one token request.
     *
     * @param form the form parameters (first value of each)
     * @param caller client address
     * @param clientChain the TLS client certificate chain, empty without mTLS
     * @param dpopProof the {@code DPoP} header, or null
     * @param uri the request URI as the client addressed it (for DPoP {@code htu})
     */
    public record Request(Map<String, String> form, String caller, List<X509Certificate> clientChain, String dpopProof,
                          URI uri) {
    }

    /** A successful exchange (RFC 8693 §2.2.1); {@code cloud} is set when cloud credentials were requested. */
    public record Result(TokenIssuer.IssuedToken token, String tokenType, Mapping mapping, SpiffeId subject,
                         java.util.Optional<dev.accord.cloud.CloudCredential> cloud) {
    }

    public String audience() {
        return config.audience() == null ? issuer.config().url() : config.audience();
    }

    /**
     * Runs the exchange and audits the decision.
     *
     * @throws ExchangeError.Rejected with the RFC 8693 error code and a precise description
     */
    public Result exchange(Request r) {
        String target = r.form().getOrDefault("resource", r.form().get("audience"));
        try {
            Result result = decide(r, target);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("jti", result.token().jti());
            detail.put("kid", result.token().kid());
            detail.put("exp", result.token().expiresAt().toString());
            detail.put("tokenType", result.tokenType());
            result.cloud().ifPresent(c -> {
                detail.put("cloud", result.mapping().target().cloud());
                detail.put("cloudRequestId", c.requestId());
                detail.put("cloudExpiresAt", String.valueOf(c.expiresAt()));
            });
            audit.append(AuditLog.exchange(true, null, result.subject().toString(), result.mapping().id().toString(),
                    target, r.caller(), detail));
            return result;
        } catch (ExchangeError.Rejected e) {
            audit.append(AuditLog.exchange(false, e.error().code() + ": " + e.error().description(), e.spiffeId(),
                    e.mappingId(), target, r.caller(), null));
            throw e;
        }
    }

    private Result decide(Request r, String target) {
        Map<String, String> f = r.form();
        if (!GRANT_TYPE.equals(f.get("grant_type"))) {
            throw new ExchangeError.Rejected("unsupported_grant_type", "grant_type must be " + GRANT_TYPE);
        }
        String token = f.get("subject_token");
        if (token == null || token.isBlank()) {
            throw new ExchangeError.Rejected("invalid_request", "subject_token is required");
        }
        if (!JWT_TYPE.equals(f.get("subject_token_type"))) {
            throw new ExchangeError.Rejected("invalid_request", "subject_token_type must be " + JWT_TYPE + " (a JWT-SVID)");
        }
        String requested = f.get("requested_token_type");
        if (requested != null && !requested.equals(JWT_TYPE) && !requested.equals(ACCESS_TOKEN_TYPE)) {
            throw new ExchangeError.Rejected("invalid_request", "requested_token_type must be " + JWT_TYPE
                    + " (a broker token for the cloud) or " + ACCESS_TOKEN_TYPE + " (the cloud's own credentials)");
        }
        if (target == null || target.isBlank()) {
            throw new ExchangeError.Rejected("invalid_request", "resource (or audience) must name the cloud target");
        }
        SpiffeId claimed = claimedSubject(token);
        JwtSvid svid = verify(token, claimed);
        MappingPolicy.Decision d = mappings.policy().resolve(svid.id(), target);
        Mapping m = switch (d) {
            case MappingPolicy.Decision.Match match -> match.mapping();
            case MappingPolicy.Decision.NoMatch no -> throw new ExchangeError.Rejected("invalid_target", no.targetKnown()
                    ? "no mapping allows " + svid.id() + " to obtain " + target
                    : "no mapping names the target " + target, svid.id().toString(), null);
            case MappingPolicy.Decision.Ambiguous a -> throw new ExchangeError.Rejected("invalid_target",
                    "mappings \"" + a.first().name() + "\" and \"" + a.second().name() + "\" are equally specific for "
                            + svid.id() + "; refusing to choose", svid.id().toString(), null);
        };
        String audienceParam = f.get("audience");
        CloudTarget t = m.target();
        if (f.containsKey("resource") && audienceParam != null && !audienceParam.equals(t.audience())) {
            throw reject("invalid_target", "audience " + audienceParam + " is not the audience of target " + target
                    + " (" + t.audience() + ")", svid, m);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        String tokenType = "N_A";
        String jkt = proofOfPossession(r, svid, m);
        if (jkt != null) {
            extra.put("cnf", Map.of("jkt", jkt));
            tokenType = "DPoP";
        }
        if (t instanceof CloudTarget.Aws aws) {
            // AWS takes session tags from the web identity token, not from AssumeRoleWithWebIdentity parameters.
            extra.putAll(dev.accord.cloud.aws.AwsTrustRenderer.sessionTagsClaim(aws.sessionTags()));
        }
        String alg = t instanceof CloudTarget.Azure ? "RS256" : "ES256";
        TokenIssuer.IssuedToken issued;
        try {
            issued = issuer.tokenIssuer().issue(alg, svid.id(), t.audience(), svid.expiry(), TokenIssuer.MAX_LIFETIME, extra);
        } catch (IllegalStateException e) {
            throw reject("invalid_grant", e.getMessage(), svid, m);
        }
        if (!ACCESS_TOKEN_TYPE.equals(requested)) {
            return new Result(issued, tokenType, m, svid.id(), java.util.Optional.empty());
        }
        try {
            return new Result(issued, tokenType, m, svid.id(), java.util.Optional.of(clouds.exchange(t, svid.id(), issued.token())));
        } catch (dev.accord.cloud.ExchangeException e) {
            String code = switch (e.reason()) {
                case CLAIM_REJECTED, ACCESS_DENIED -> "invalid_target";
                case THROTTLED, UNAVAILABLE, ISSUER_UNREACHABLE -> "temporarily_unavailable";
                default -> "server_error";
            };
            throw reject(code, t.cloud() + " refused the exchange (" + e.reason() + (e.requestId() == null ? ""
                    : ", request " + e.requestId()) + "): " + e.getMessage(), svid, m);
        } catch (UnsupportedOperationException e) {
            throw reject("invalid_request", e.getMessage(), svid, m);
        }
    }

    private SpiffeId claimedSubject(String token) {
        if (token.length() > config.maxTokenBytes()) {
            throw new ExchangeError.Rejected("invalid_request", "subject_token is larger than " + config.maxTokenBytes() + " bytes");
        }
        String sub;
        try {
            sub = SignedJWT.parse(token).getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new ExchangeError.Rejected("invalid_grant", "subject_token is not a signed JWT (JWT-SVID §3)");
        }
        if (sub == null) {
            throw new ExchangeError.Rejected("invalid_grant", "subject_token has no sub claim (JWT-SVID §3.1.1)");
        }
        try {
            return SpiffeId.parse(sub);
        } catch (SpiffeException e) {
            throw new ExchangeError.Rejected("invalid_grant", "subject_token sub is not a SPIFFE ID: " + e.getMessage());
        }
    }

    private JwtSvid verify(String token, SpiffeId claimed) {
        TrustDomain td = claimed.trustDomain();
        MemberBundles.Lookup lookup = bundles.lookup(td);
        switch (lookup) {
            case MemberBundles.Lookup.NotMember nm -> throw new ExchangeError.Rejected("invalid_grant",
                    "trust domain " + td + " is not a member of this broker", claimed.toString(), null);
            case MemberBundles.Lookup.NoBundle nb -> throw new ExchangeError.Rejected("invalid_grant",
                    "trust domain " + td + " is registered but not federated yet (no bundle held)", claimed.toString(), null);
            case MemberBundles.Lookup.Held h -> {
                try {
                    return jwtVerifier.verify(token, h.bundle().asJwtSource(), audience());
                } catch (BundleNotFoundException e) {
                    throw new ExchangeError.Rejected("invalid_grant", e.getMessage(), claimed.toString(), null);
                } catch (SpiffeException e) {
                    throw new ExchangeError.Rejected("invalid_grant", "JWT-SVID rejected (" + e.reason() + "): "
                            + e.getMessage(), claimed.toString(), null);
                }
            }
        }
    }

    /** Returns the DPoP key thumbprint to bind, null when none; throws if the mapping's requirement is unmet. */
    private String proofOfPossession(Request r, JwtSvid svid, Mapping m) {
        Mapping.ProofOfPossession pop = m.proofOfPossession();
        if (r.dpopProof() != null && pop.acceptsDpop() || r.dpopProof() != null && pop == Mapping.ProofOfPossession.NONE) {
            try {
                return dpop.verify(r.dpopProof(), "POST", r.uri()).jkt();
            } catch (DpopVerifier.DpopException e) {
                throw reject("invalid_dpop_proof", e.getMessage(), svid, m);
            }
        }
        if (pop == Mapping.ProofOfPossession.NONE) {
            return null;
        }
        if (pop.acceptsMtls() && !r.clientChain().isEmpty()) {
            X509Svid x;
            try {
                MemberBundles.Lookup l = bundles.lookup(svid.id().trustDomain());
                if (!(l instanceof MemberBundles.Lookup.Held h)) {
                    throw new BundleNotFoundException(Reason.BUNDLE_NOT_FOUND, "no bundle");
                }
                x = x509Verifier.verify(r.clientChain(), h.bundle());
            } catch (SpiffeException e) {
                throw reject("invalid_request", "the TLS client certificate is not a valid X509-SVID: " + e.getMessage(), svid, m);
            }
            if (!x.id().equals(svid.id())) {
                throw reject("invalid_request", "the TLS client certificate's SPIFFE ID " + x.id()
                        + " does not match the subject_token's " + svid.id(), svid, m);
            }
            return null;
        }
        String needed = switch (pop) {
            case MTLS -> "mTLS with the X509-SVID of " + svid.id();
            case DPOP -> "a DPoP proof (RFC 9449)";
            default -> "mTLS with the X509-SVID of " + svid.id() + " or a DPoP proof (RFC 9449)";
        };
        throw reject("invalid_request", "mapping \"" + m.name() + "\" requires proof of possession: " + needed, svid, m);
    }

    private static ExchangeError.Rejected reject(String code, String description, JwtSvid svid, Mapping m) {
        return new ExchangeError.Rejected(code, description, svid.id().toString(), m.id().toString());
    }

    /** Longest lifetime a token may have. */
    public static Duration maxLifetime() {
        return TokenIssuer.MAX_LIFETIME;
    }
}
