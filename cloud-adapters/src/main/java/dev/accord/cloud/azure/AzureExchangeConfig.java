package dev.accord.cloud.azure;

/**
 * Where Entra ID is: the authority host (public cloud by default; {@code https://login.microsoftonline.us},
 * {@code https://login.chinacloudapi.cn}, … for sovereign clouds).
 *
 * @param authorityHost Entra ID authority host URL
 */
public record AzureExchangeConfig(String authorityHost) {

    public AzureExchangeConfig {
        authorityHost = authorityHost == null ? "https://login.microsoftonline.com" : authorityHost;
    }

    public static AzureExchangeConfig defaults() {
        return new AzureExchangeConfig(null);
    }
}
