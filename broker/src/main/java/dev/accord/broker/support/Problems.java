package dev.accord.broker.support;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/** Problems builds RFC 9457 {@code application/problem+json} responses. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    /** A problem with {@code type} = {@code https://accord.dev/problems/<slug>}; {@code extra} adds members. */
    public static MutableHttpResponse<String> of(HttpStatus status, String slug, String title, String detail,
                                                 Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://accord.dev/problems/" + slug);
        body.put("title", title);
        body.put("status", status.getCode());
        body.put("detail", detail);
        if (extra != null) {
            extra.forEach(body::putIfAbsent);
        }
        return HttpResponse.<String>status(status).contentType(MEDIA_TYPE)
                .body(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(body));
    }
}
