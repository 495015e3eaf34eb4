package dev.accord.cloud.testing;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Request parsing and replies shared by the fake cloud servers. */
public final class FakeHttp {

    private FakeHttp() {
    }

    /** The {@code application/x-www-form-urlencoded} body as a map (first value of each name). */
    public static Map<String, String> form(HttpExchange ex) throws IOException {
        Map<String, String> f = new HashMap<>();
        for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int i = pair.indexOf('=');
            if (i > 0) {
                f.putIfAbsent(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return f;
    }

    /** Sends {@code body} with {@code status} and {@code contentType}. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
