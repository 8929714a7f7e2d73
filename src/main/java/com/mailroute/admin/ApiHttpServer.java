package com.mailroute.admin;

import io.vertx.core.http.HttpMethod;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

/**
 * Camel's Vert.x HTTP server for the platform-http: routes (the API and /observe/*), with one addition made before
 * the port opens: POST /api/messages answers 503 with Retry-After whenever its route is not running (at startup
 * before the routes start, during a reload, at shutdown). Vert.x would answer 404 there, which a client may take as
 * final and drop the mail. Camel Main's own server (camel.server.enabled) offers no hook between creating the router
 * and listening, hence this subclass.
 */
public final class ApiHttpServer extends VertxPlatformHttpServer {
    static final String UNAVAILABLE = "{\"error\":\"message not queued: the submit route is not running right now (starting, stopping or"
            + " reloading); try again\"}";
    private final int port;

    public ApiHttpServer(String host, int port, long maxBodySize) {
        super(configuration(host, port, maxBodySize));
        this.port = port;
    }

    private static VertxPlatformHttpServerConfiguration configuration(String host, int port, long maxBodySize) {
        VertxPlatformHttpServerConfiguration c = new VertxPlatformHttpServerConfiguration();
        c.setBindHost(host);
        c.setBindPort(port);
        c.setMaxBodySize(maxBodySize);
        c.getBodyHandler().setHandleFileUploads(false); // multipart is refused with 415: nothing to write to disk
        return c;
    }

    @Override
    protected void initializeServer() {
        super.initializeServer(); // creates the router; the port opens right after this returns
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getCamelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(getCamelContext());
        }
        // Last in order: reached only when no running route answered the request.
        router.route(HttpMethod.POST, "/api/messages").order(Integer.MAX_VALUE - 1).handler(ctx -> {
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Retry-After", "5")
                        .end(UNAVAILABLE);
            }
        });
    }
}
