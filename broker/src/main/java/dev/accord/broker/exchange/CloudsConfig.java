package dev.accord.broker.exchange;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Cloud endpoints ({@code accord.clouds.*}); defaults are the public endpoints. Override for GovCloud, China,
 * sovereign clouds or private connectivity.
 *
 * @param awsStsEndpoint STS endpoint URL (null: the SDK's endpoint for {@code awsRegion})
 * @param awsRegion STS region
 * @param gcpStsUrl Google STS token URL
 * @param gcpIamCredentialsUrl IAM Credentials API base URL
 * @param azureAuthorityHost Entra ID authority host
 */
@ConfigurationProperties(CloudsConfig.PREFIX)
public record CloudsConfig(@Nullable String awsStsEndpoint,
                           @Bindable(defaultValue = "us-east-1") String awsRegion,
                           @Nullable String gcpStsUrl,
                           @Nullable String gcpIamCredentialsUrl,
                           @Nullable String azureAuthorityHost) {

    public static final String PREFIX = "accord.clouds";
}
