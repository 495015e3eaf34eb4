package dev.accord.broker.exchange;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Token exchange settings ({@code accord.exchange.*}).
 *
 * @param audience the audience JWT-SVIDs must carry to be exchanged here; the issuer URL when unset
 * @param clockSkew tolerance for {@code exp}/{@code nbf}/{@code iat} of JWT-SVIDs and X509-SVIDs
 * @param dpopWindow how far a DPoP proof's {@code iat} may be from now
 * @param maxTokenBytes JWT-SVIDs longer than this are refused before parsing
 */
@ConfigurationProperties(ExchangeConfig.PREFIX)
public record ExchangeConfig(@Nullable String audience,
                             @Bindable(defaultValue = "30s") Duration clockSkew,
                             @Bindable(defaultValue = "60s") Duration dpopWindow,
                             @Bindable(defaultValue = "16384") int maxTokenBytes) {

    public static final String PREFIX = "accord.exchange";
}
