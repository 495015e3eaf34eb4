package dev.accord.broker;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;

/** Metadata of the generated OpenAPI document ({@code /openapi/accord-broker-<version>.yml}). */
@OpenAPIDefinition(info = @Info(title = "Accord broker", version = "v1",
        description = "SPIFFE federation hub, OIDC issuer and token exchange. Admin routes need a bearer token or an"
                + " admin X509-SVID; bundle endpoints, discovery/JWKS and POST /v1/token are public.",
        license = @License(name = "Proprietary")))
final class ApiDefinition {
    private ApiDefinition() {
    }
}
