package dev.accord.broker.support;

import io.micronaut.http.HttpRequest;

/** Who made a request and from where, for audit records. */
public final class RequestFacts {

    /** Request attribute the admin security filter sets to the authenticated principal. */
    public static final String ADMIN_PRINCIPAL = "accord.admin.principal";

    private RequestFacts() {
    }

    public static String actor(HttpRequest<?> request) {
        return request.getAttribute(ADMIN_PRINCIPAL, String.class).orElse("unauthenticated");
    }

    public static String caller(HttpRequest<?> request) {
        return request.getRemoteAddress().getAddress().getHostAddress();
    }
}
