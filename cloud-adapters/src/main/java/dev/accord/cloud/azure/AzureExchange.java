package dev.accord.cloud.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientAssertionCredential;
import com.azure.identity.ClientAssertionCredentialBuilder;
import dev.accord.cloud.CloudCredential;
import dev.accord.cloud.ExchangeException;

import java.util.Locale;

/**
 * AzureExchange swaps a broker-signed token (RS256, audience {@code api://AzureADTokenExchange}) for an Entra ID
 * access token with azure-identity's {@link ClientAssertionCredential}: the client-credentials flow with the broker
 * token as {@code client_assertion}, which Entra checks against the app's federated identity credential. Thread-safe.
 */
public final class AzureExchange {

    private final AzureExchangeConfig config;
    private final com.azure.core.http.HttpClient http;

    public AzureExchange(AzureExchangeConfig config, com.azure.core.http.HttpClient http) {
        this.config = config;
        this.http = http == null ? new JdkAzureHttpClient() : http;
    }

    /**
     * @param scope e.g. {@code https://graph.microsoft.com/.default}
     * @throws ExchangeException classified from the AADSTS error
     */
    public CloudCredential.AccessToken exchange(String brokerToken, String tenantId, String clientId, String scope) {
        ClientAssertionCredential credential = new ClientAssertionCredentialBuilder().tenantId(tenantId).clientId(clientId)
                .clientAssertion(() -> brokerToken).authorityHost(config.authorityHost()).httpClient(http)
                .disableInstanceDiscovery().maxRetry(2).build();
        try {
            AccessToken t = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            if (t == null || t.getToken() == null) {
                throw new ExchangeException(ExchangeException.Reason.MALFORMED_RESPONSE, false, "Entra answered without a token", null, null);
            }
            return new CloudCredential.AccessToken(t.getToken(), t.getExpiresAt().toInstant(), null);
        } catch (ExchangeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw classify(e);
        }
    }

    /** Maps AADSTS codes (as MSAL reports them) to broker reasons. */
    static ExchangeException classify(RuntimeException e) {
        String m = ExchangeException.causeChain(e);
        String l = m.toLowerCase(Locale.ROOT);
        ExchangeException.Reason reason;
        boolean retry = false;
        if (l.contains("aadsts700211") || l.contains("aadsts70021")) {
            reason = ExchangeException.Reason.CLAIM_REJECTED;      // no federated credential matches issuer/subject/audience
        } else if (l.contains("aadsts700024") || l.contains("expired")) {
            reason = ExchangeException.Reason.TOKEN_EXPIRED;
        } else if (l.contains("aadsts50027") || l.contains("aadsts5002") || l.contains("aadsts700027") || l.contains("invalid_client")) {
            reason = ExchangeException.Reason.INVALID_TOKEN;
        } else if (l.contains("aadsts90033") || msalStatus(e) == 429 || l.contains("throttl")) {
            reason = ExchangeException.Reason.THROTTLED;
            retry = true;
        } else if (l.contains("json") || l.contains("parse") || l.contains("unexpected")) {
            reason = ExchangeException.Reason.MALFORMED_RESPONSE;
        } else {
            reason = ExchangeException.Reason.UNAVAILABLE;
        }
        return new ExchangeException(reason, retry, "Entra ID: " + (m.length() > 500 ? m.substring(0, 500) : m), null, e);
    }

    /**
     * The HTTP status MSAL saw, or -1. A status, not the text: Entra's error descriptions carry trace and
     * correlation ids and timestamps, in which "429" occurs by chance.
     */
    private static int msalStatus(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.microsoft.aad.msal4j.MsalServiceException x) {
                return x.statusCode() == null ? -1 : x.statusCode();
            }
        }
        return -1;
    }
}
