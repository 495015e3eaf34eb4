package dev.accord.broker.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;

/**
 * Admin authentication settings ({@code accord.admin.*}).
 *
 * @param token a bootstrap bearer token (env {@code ACCORD_ADMIN_TOKEN}); only its SHA-256 is kept in memory
 * @param tokenSha256 the hex SHA-256 of the bearer token, for deployments that never hand the broker the token
 * @param devToken when no token is configured, accept {@code accord-dev-admin-token} (quick start only; a warning
 *                 is logged; {@code ACCORD_ADMIN_DEV_TOKEN=false} turns it off)
 * @param spiffeIds SPIFFE IDs whose X509-SVID (TLS client certificate) grants admin access
 * @param trustBundle PEM file with the CA certificates that issue those X509-SVIDs
 */
@ConfigurationProperties(AdminSecurityConfig.PREFIX)
public record AdminSecurityConfig(@Nullable String token,
                                  @Nullable String tokenSha256,
                                  @Bindable(defaultValue = "true") boolean devToken,
                                  @Nullable List<String> spiffeIds,
                                  @Nullable String trustBundle) {

    public static final String PREFIX = "accord.admin";
    public static final String DEV_TOKEN = "accord-dev-admin-token";

    @Override
    public String toString() {
        return "AdminSecurityConfig[token=" + (token == null ? "unset" : "<redacted>") + ", spiffeIds=" + spiffeIds + "]";
    }
}
