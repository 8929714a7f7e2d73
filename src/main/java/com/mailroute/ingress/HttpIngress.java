package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POST /api/messages: message/rfc822 (envelope from ?from= and repeated ?to=, else headers) or the JSON form. */
public final class HttpIngress {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageAcceptor acceptor;
    private final JsonMessageBuilder jsonBuilder;
    private final Spool spool;
    private final long maxSize;

    public HttpIngress(MessageAcceptor acceptor, JsonMessageBuilder jsonBuilder, Spool spool, long maxSize) {
        this.acceptor = acceptor;
        this.jsonBuilder = jsonBuilder;
        this.spool = spool;
        this.maxSize = maxSize;
    }

    public void accept(Exchange exchange) {
        MessageBytes body = body(exchange);
        try {
            accept(exchange, body);
        } finally {
            body.release();
        }
    }

    /** The request body, which Camel streams into its cache (a file past the spool threshold): spooled, never whole in the heap. */
    private MessageBytes body(Exchange exchange) {
        InputStream in = exchange.getMessage().getBody(InputStream.class);
        if (in == null) {
            return MessageBytes.of(new byte[0]);
        }
        try {
            return spool.read(in, maxSize);
        } catch (Spool.TooLargeException e) {
            throw MessageShape.tooLarge(-1, maxSize);
        }
    }

    private void accept(Exchange exchange, MessageBytes body) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase(Locale.ROOT);
        Submission s;
        if (contentType.startsWith("message/rfc822")) {
            String from = exchange.getMessage().getHeader("from", String.class);
            List<String> to = values(exchange.getMessage().getHeader("to"));
            s = new Submission("http", body, from, to.isEmpty() ? null : to);
        } else if (contentType.startsWith("application/json")) {
            s = jsonBuilder.build(body.toByteArray());   // JSON is parsed in the heap; its size is limited like any message
        } else {
            throw new RejectedException("unsupported Content-Type '" + contentType + "': use message/rfc822 or application/json", 415);
        }
        MessageAcceptor.Accepted a = acceptor.accept(s);
        // the queue id is hex digits: no JSON encoder needed on the hottest path
        respond(exchange, 202, "{\"id\":\"" + a.queueId() + "\"}");
    }

    public void reject(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int status = e instanceof RejectedException r ? r.httpStatus() : 400;
        LOG.warn("rejected HTTP submission ({}): {}", status, e.getMessage());
        respond(exchange, status, JSON.createObjectNode().put("error", e.getMessage()));
    }

    /** Not a refusal of the message (the broker could not commit, or a fault of ours): no 202, the client tries again. */
    public void unavailable(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String cause = AcceptFailure.describe(e);
        LOG.error("HTTP submission from {} not queued: {}", exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS, "?", String.class), cause, e);
        respond(exchange, 503, JSON.createObjectNode().put("error", "message not queued, try again: " + cause));
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    static void respond(Exchange exchange, int status, ObjectNode json) {
        respond(exchange, status, json.toString());
    }

    private static void respond(Exchange exchange, int status, String json) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(json);
    }

    /** Repeated ?to= parameters, each of which may also be a comma-separated list. */
    private static List<String> values(Object header) {
        List<String> raw = new ArrayList<>();
        if (header instanceof Collection<?> c) {
            c.forEach(v -> raw.add(v.toString()));
        } else if (header != null) {
            raw.add(header.toString());
        }
        List<String> out = new ArrayList<>();
        for (String v : raw) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
