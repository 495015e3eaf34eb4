package dev.accord.cloud.aws;

import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.ExchangeException;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * AwsExchange swaps a broker-signed token for temporary AWS credentials with STS {@code AssumeRoleWithWebIdentity}
 * (an unsigned call: the web identity token is the credential). Session tags are not a parameter of this API; AWS
 * reads them from the token's {@code https://aws.amazon.com/tags} claim ({@link AwsTrustRenderer#sessionTagsClaim}).
 * Thread-safe; close it to release the HTTP client.
 */
public final class AwsExchange implements AutoCloseable {

    private final StsClient sts;
    private final AwsExchangeConfig config;

    public AwsExchange(AwsExchangeConfig config) {
        this.config = config;
        StsClientBuilder b = StsClient.builder().region(Region.of(config.region()))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // Retries are ours (below): only what AWS documents as retryable, bounded, with backoff.
                .overrideConfiguration(c -> c.retryStrategy(s -> s.maxAttempts(1)));
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        this.sts = b.build();
    }

    /**
     * Assumes {@code roleArn} as the SPIFFE ID in {@code brokerToken}.
     *
     * @throws ExchangeException classified from the STS error code
     */
    public CloudCredential.Aws exchange(String brokerToken, String spiffeId, String roleArn, Duration duration) {
        AssumeRoleWithWebIdentityRequest req = AssumeRoleWithWebIdentityRequest.builder().roleArn(roleArn)
                .roleSessionName(sessionName(spiffeId)).webIdentityToken(brokerToken)
                .durationSeconds((int) duration.toSeconds()).build();
        Duration pause = config.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                AssumeRoleWithWebIdentityResponse r = sts.assumeRoleWithWebIdentity(req);
                if (r.credentials() == null) {
                    throw new ExchangeException(ExchangeException.Reason.MALFORMED_RESPONSE, false,
                            "STS answered without credentials", r.responseMetadata().requestId(), null);
                }
                return new CloudCredential.Aws(r.credentials().accessKeyId(), r.credentials().secretAccessKey(),
                        r.credentials().sessionToken(), r.credentials().expiration(),
                        r.assumedRoleUser() == null ? null : r.assumedRoleUser().arn(), r.responseMetadata().requestId());
            } catch (SdkException e) {
                ExchangeException x = classify(e);
                if (!x.retryable() || attempt >= config.maxAttempts()) {
                    throw x;
                }
                sleep(pause);
                pause = pause.multipliedBy(2);
            }
        }
    }

    static ExchangeException classify(SdkException e) {
        if (e instanceof StsException s && s.awsErrorDetails() != null) {
            String code = s.awsErrorDetails().errorCode();
            String msg = "STS " + code + ": " + s.awsErrorDetails().errorMessage();
            String id = s.requestId();
            return switch (code == null ? "" : code) {
                case "InvalidIdentityToken" -> new ExchangeException(ExchangeException.Reason.INVALID_TOKEN, false, msg, id, e);
                case "IDPRejectedClaim" -> new ExchangeException(ExchangeException.Reason.CLAIM_REJECTED, false, msg, id, e);
                case "ExpiredTokenException", "ExpiredToken" ->
                        new ExchangeException(ExchangeException.Reason.TOKEN_EXPIRED, false, msg, id, e);
                case "IDPCommunicationError" -> new ExchangeException(ExchangeException.Reason.ISSUER_UNREACHABLE, true, msg, id, e);
                case "AccessDenied" -> new ExchangeException(ExchangeException.Reason.ACCESS_DENIED, false, msg, id, e);
                case "Throttling", "ThrottlingException", "RequestLimitExceeded" ->
                        new ExchangeException(ExchangeException.Reason.THROTTLED, true, msg, id, e);
                default -> new ExchangeException(s.statusCode() >= 500 ? ExchangeException.Reason.UNAVAILABLE
                        : ExchangeException.Reason.ACCESS_DENIED, s.statusCode() >= 500, msg, id, e);
            };
        }
        if (e instanceof SdkClientException c && c.getMessage() != null && c.getMessage().contains("Unable to unmarshall")) {
            return new ExchangeException(ExchangeException.Reason.MALFORMED_RESPONSE, false, "STS answered with a response"
                    + " that is not the documented XML", null, e);
        }
        return new ExchangeException(e instanceof SdkClientException ? ExchangeException.Reason.UNAVAILABLE
                : ExchangeException.Reason.MALFORMED_RESPONSE, false, "STS call failed: " + e.getMessage(), null, e);
    }

    /**
     * A role session name for {@code spiffeId} within AWS's rules ({@code [\w+=,.@-]}, 2–64 characters): the ID's
     * tail with other characters replaced, plus 8 hex digits of its SHA-256 so that distinct IDs never share a name.
     */
    public static String sessionName(String spiffeId) {
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(spiffeId.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String clean = spiffeId.replaceFirst("^spiffe://", "").replaceAll("[^\\w+=,.@-]", "-");
        int room = 64 - 1 - hash.length();
        if (clean.length() > room) {
            clean = clean.substring(clean.length() - room);
        }
        return clean + "-" + hash;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExchangeException(ExchangeException.Reason.UNAVAILABLE, false, "interrupted", null, e);
        }
    }

    @Override
    public void close() {
        sts.close();
    }
}
