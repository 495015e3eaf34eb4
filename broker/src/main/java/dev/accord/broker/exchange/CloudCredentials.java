package dev.accord.broker.exchange;

import com.google.auth.http.HttpTransportFactory;
import dev.accord.broker.mapping.CloudTarget;
import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.aws.AwsExchange;
import dev.accord.cloud.aws.AwsExchangeConfig;
import dev.accord.cloud.gcp.GcpExchange;
import dev.accord.cloud.gcp.GcpExchangeConfig;
import dev.accord.spiffe.spiffeid.SpiffeId;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Duration;

/**
 * CloudCredentials completes a cloud's own workload identity federation with a broker-signed token: AWS STS
 * AssumeRoleWithWebIdentity, GCP STS + IAM Credentials, or Entra ID client credentials with the token as client
 * assertion (cloud-adapters).
 */
@Singleton
public class CloudCredentials {

    private final AwsExchange aws;
    private final GcpExchange gcp;
    private final dev.accord.cloud.azure.AzureExchange azure;

    CloudCredentials(CloudsConfig config, @Nullable HttpTransportFactory gcpTransport,
                     @Nullable com.azure.core.http.HttpClient azureHttp) {
        this.azure = new dev.accord.cloud.azure.AzureExchange(new dev.accord.cloud.azure.AzureExchangeConfig(
                config.azureAuthorityHost()), azureHttp);
        this.aws = new AwsExchange(new AwsExchangeConfig(config.awsStsEndpoint() == null ? null
                : URI.create(config.awsStsEndpoint()), config.awsRegion(), 3, Duration.ofMillis(200)));
        this.gcp = new GcpExchange(new GcpExchangeConfig(config.gcpStsUrl(), config.gcpIamCredentialsUrl(), 3,
                Duration.ofMillis(200)), gcpTransport);
    }

    /**
     * Exchanges {@code brokerToken} at {@code target}'s cloud.
     *
     * @throws dev.accord.cloud.ExchangeException as classified by the adapter
     */
    public CloudCredential exchange(CloudTarget target, SpiffeId subject, String brokerToken) {
        return switch (target) {
            case CloudTarget.Aws a -> aws.exchange(brokerToken, subject.toString(), a.roleArn(), a.sessionDuration());
            case CloudTarget.Gcp g -> gcp.exchange(brokerToken, g.providerResource(), g.serviceAccountEmail(), g.scopes());
            case CloudTarget.Azure z -> azure.exchange(brokerToken, z.tenantId(), z.clientId(), z.scope());
        };
    }

    @PreDestroy
    void close() {
        aws.close();
    }
}
