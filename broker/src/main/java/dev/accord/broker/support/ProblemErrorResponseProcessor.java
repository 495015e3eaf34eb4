package dev.accord.broker.support;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every error Micronaut produces itself (malformed JSON, unsupported media type, unknown route, unexpected
 * exceptions) is answered as RFC 9457 problem+json. Messages come from the framework's error list; stack traces and
 * exception text of unexpected failures are never sent.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<String> {

    @Override
    public MutableHttpResponse<String> processResponse(ErrorContext ctx, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String detail;
        if (status.getCode() >= 500) {
            detail = "internal error; see the broker log";
        } else if (ctx.hasErrors()) {
            detail = ctx.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
        } else {
            detail = status.getReason();
        }
        String slug = switch (status.getCode()) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 415 -> "unsupported-media-type";
            default -> status.getCode() >= 500 ? "internal-error" : "error";
        };
        MutableHttpResponse<String> p = Problems.of(status, slug, status.getReason(), detail,
                Map.of("instance", ctx.getRequest().getPath()));
        response.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-type") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> p.header(name, v));
            }
        });
        return p;
    }
}
