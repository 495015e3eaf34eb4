package dev.accord.cloud.azure;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AzureTrustRenderer renders the Entra ID federated identity credential (FIC) of an app registration for a mapping:
 * issuer = the broker's issuer URL, subject = the SPIFFE ID, audience {@code api://AzureADTokenExchange}. Entra
 * matches the subject exactly and allows at most {@link #MAX_FICS_PER_APP} credentials per application, so only
 * exact matchers can be rendered and each SPIFFE ID needs its own credential.
 */
public final class AzureTrustRenderer {

    /** Entra ID's limit of federated identity credentials per application. */
    public static final int MAX_FICS_PER_APP = 20;
    public static final String AUDIENCE = "api://AzureADTokenExchange";

    private AzureTrustRenderer() {
    }

    /**
     * @param existingForApp how many mappings (this one included) already target the same application
     * @throws IllegalArgumentException for a non-exact matcher or beyond the per-app limit
     */
    public static String federatedIdentityCredential(String name, String issuerUrl, String matcherKind, String pattern,
                                                     int existingForApp) {
        if (!"exact".equals(matcherKind)) {
            throw new IllegalArgumentException("Entra ID matches the federated credential subject exactly: a " + matcherKind
                    + " matcher cannot be rendered; use one exact mapping per SPIFFE ID");
        }
        if (existingForApp > MAX_FICS_PER_APP) {
            throw new IllegalArgumentException("Entra ID allows at most " + MAX_FICS_PER_APP
                    + " federated identity credentials per application; " + existingForApp + " mappings target it");
        }
        Map<String, Object> fic = new LinkedHashMap<>();
        fic.put("name", name.replaceAll("[^A-Za-z0-9-_]", "-"));
        fic.put("issuer", issuerUrl);
        fic.put("subject", pattern);
        fic.put("audiences", List.of(AUDIENCE));
        fic.put("description", "Accord mapping " + name);
        return JSONObjectUtils.toJSONString(fic);
    }
}
