package dev.accord.broker.exchange;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/token}: the RFC 8693 token exchange workloads call with their JWT-SVID. Authenticated by the
 * JWT-SVID itself (and, per mapping, mTLS or DPoP), so it is not behind the admin filter. Responses carry
 * {@code Cache-Control: no-store} (RFC 6749 §5.1).
 */
@Controller("/v1/token")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TokenExchangeController {

    private final TokenExchangeService service;

    TokenExchangeController(TokenExchangeService service) {
        this.service = service;
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.APPLICATION_JSON)
    HttpResponse<String> exchange(HttpRequest<?> request, @Body Map<String, String> form) {
        List<X509Certificate> chain = request.getCertificate()
                .filter(X509Certificate.class::isInstance).map(c -> List.of((X509Certificate) c)).orElse(List.of());
        URI uri = URI.create(baseUrl(request) + request.getPath());
        TokenExchangeService.Result r = service.exchange(new TokenExchangeService.Request(form,
                request.getRemoteAddress().getAddress().getHostAddress(), chain,
                request.getHeaders().get("DPoP"), uri));
        Map<String, Object> body = new LinkedHashMap<>();
        if (r.cloud().isEmpty()) {
            body.put("access_token", r.token().token());
            body.put("issued_token_type", TokenExchangeService.JWT_TYPE);
            body.put("token_type", r.tokenType());
            body.put("expires_in", Math.max(0, Duration.between(Instant.now(), r.token().expiresAt()).toSeconds()));
        } else {
            dev.accord.cloud.CloudCredential c = r.cloud().get();
            body.put("expires_in", Math.max(0, Duration.between(Instant.now(), c.expiresAt()).toSeconds()));
            switch (c) {
                case dev.accord.cloud.CloudCredential.Aws a -> {
                    // RFC 8693 §2.2.1 needs an access_token: the session token; the full triple is in "aws".
                    body.put("access_token", a.sessionToken());
                    body.put("issued_token_type", "urn:accord:params:oauth:token-type:aws-credentials");
                    body.put("token_type", "N_A");
                    Map<String, Object> aws = new LinkedHashMap<>();
                    aws.put("accessKeyId", a.accessKeyId());
                    aws.put("secretAccessKey", a.secretAccessKey());
                    aws.put("sessionToken", a.sessionToken());
                    aws.put("expiration", a.expiresAt().toString());
                    aws.put("assumedRoleArn", a.assumedRoleArn());
                    body.put("aws", aws);
                }
                case dev.accord.cloud.CloudCredential.AccessToken t -> {
                    body.put("access_token", t.token());
                    body.put("issued_token_type", TokenExchangeService.ACCESS_TOKEN_TYPE);
                    body.put("token_type", "Bearer");
                }
            }
            body.put("cloud", r.mapping().target().cloud());
            if (c.requestId() != null) {
                body.put("cloud_request_id", c.requestId());
            }
        }
        body.put("mapping", r.mapping().name());
        return noStore(HttpResponse.ok(JSONObjectUtils.toJSONString(body)));
    }

    /** The broker's externally visible base URL: the issuer URL, so DPoP {@code htu} matches what clients use. */
    private String baseUrl(HttpRequest<?> request) {
        String audience = service.audience();
        try {
            URI a = URI.create(audience);
            if (a.getScheme() != null && a.getHost() != null) {
                return a.getScheme() + "://" + a.getRawAuthority() + (a.getRawPath() == null ? "" : a.getRawPath().replaceAll("/$", ""));
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the request's own address
        }
        return "https://" + request.getServerName();
    }

    @Error(exception = ExchangeError.Rejected.class)
    HttpResponse<String> rejected(ExchangeError.Rejected e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error().code());
        body.put("error_description", e.error().description());
        HttpStatus status = switch (e.error().code()) {
            case "temporarily_unavailable" -> HttpStatus.SERVICE_UNAVAILABLE;
            case "server_error" -> HttpStatus.BAD_GATEWAY;
            default -> HttpStatus.BAD_REQUEST;
        };
        return noStore(HttpResponse.<String>status(status).body(JSONObjectUtils.toJSONString(body)));
    }

    private static MutableHttpResponse<String> noStore(MutableHttpResponse<String> r) {
        return r.contentType(MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "no-store").header("Pragma", "no-cache");
    }
}
