package com.mailroute.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token check for the HTTP API. With no token configured (allowed only while the API is
 * bound to loopback) every local caller is trusted.
 */
public final class ApiAuth {
    private static final Logger LOG = LoggerFactory.getLogger(ApiAuth.class);
    private final byte[] token;

    public ApiAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Thrown by {@link #check} and turned into a 401 by the routes' error handling. */
    public static final class Unauthorized extends RuntimeException {
        public Unauthorized(String message) {
            super(message);
        }
    }

    public void check(Exchange e) {
        if (token.length == 0) {
            return;
        }
        String header = e.getMessage().getHeader("Authorization", String.class);
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, given)) {
            // Log who and what, never the token itself.
            LOG.warn("refused API request {} {} from {}: {}", e.getMessage().getHeader(Exchange.HTTP_METHOD),
                    e.getMessage().getHeader(Exchange.HTTP_URI), e.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress"),
                    header == null ? "no Authorization header" : "wrong bearer token");
            throw new Unauthorized(header == null ? "missing bearer token" : "wrong bearer token");
        }
    }

    public void refuse(Exchange e) {
        Exception ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        AdminApi.json(e, 401, Map.of("error", "unauthorized: " + (ex == null ? "" : ex.getMessage())
                + " (send Authorization: Bearer <mailroute.api.token>)"));
        e.getMessage().setHeader("WWW-Authenticate", "Bearer");
    }
}
