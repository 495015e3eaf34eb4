package dev.accord.broker.issuer;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.List;

/**
 * Issuer settings ({@code accord.issuer.*}).
 *
 * @param url the issuer URL clouds trust; must be https in production (AWS, GCP and Entra ID require it)
 * @param kek base64 32-byte key-encryption key; takes precedence over {@code kekFile}
 * @param kekFile file holding the base64 KEK
 * @param kekCreate create {@code kekFile} with a random KEK when neither is present (quick start only)
 * @param algorithms signing algorithms kept active (ES256 default; RS256 for Entra ID)
 * @param rotationPeriod how long a key signs before the scheduled rotation
 * @param prePublish how long a next key must be in the JWKS before it may sign
 * @param reloadInterval how often replicas reload the key ring and check for a due rotation
 */
@ConfigurationProperties(IssuerConfig.PREFIX)
public record IssuerConfig(@Bindable(defaultValue = "http://localhost:8080") String url,
                           @Nullable String kek,
                           @Bindable(defaultValue = "data/issuer.kek") String kekFile,
                           @Bindable(defaultValue = "true") boolean kekCreate,
                           @Bindable(defaultValue = "ES256,RS256") List<String> algorithms,
                           @Bindable(defaultValue = "24h") Duration rotationPeriod,
                           @Bindable(defaultValue = "10m") Duration prePublish,
                           @Bindable(defaultValue = "30s") Duration reloadInterval) {

    public static final String PREFIX = "accord.issuer";

    /** Retired keys stay published this long: the longest token lifetime plus clock skew. */
    public Duration retainFor() {
        return TokenIssuer.MAX_LIFETIME.plusMinutes(5);
    }

    @Override
    public String toString() {
        return "IssuerConfig[url=" + url + ", kek=" + (kek == null ? "unset" : "<redacted>") + ", kekFile=" + kekFile
                + ", algorithms=" + algorithms + ", rotationPeriod=" + rotationPeriod + "]";
    }
}
