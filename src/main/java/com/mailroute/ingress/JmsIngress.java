package com.mailroute.ingress;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.Exchange;

/** The mailroute.submit queue's step: raw message in a BytesMessage or TextMessage, envelope in MailFrom / RcptTo. */
public final class JmsIngress {
    private final MessageAcceptor acceptor;

    public JmsIngress(MessageAcceptor acceptor) {
        this.acceptor = acceptor;
    }

    public void accept(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        byte[] raw;
        if (body instanceof byte[] b) {
            raw = b;
        } else if (body instanceof String s) {
            raw = s.getBytes(StandardCharsets.UTF_8);
        } else {
            throw new RejectedException("not a message: mailroute.submit takes a BytesMessage or TextMessage holding the raw RFC 5322 message");
        }
        String from = exchange.getMessage().getHeader("MailFrom", String.class);
        String rcpt = exchange.getMessage().getHeader("RcptTo", String.class);
        List<String> rcpts = rcpt == null || rcpt.isBlank() ? null
                : Arrays.stream(rcpt.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
        MessageAcceptor.Accepted a = acceptor.accept(new Submission("jms", raw, from == null || from.isBlank() ? null : from.strip(), rcpts));
        exchange.getMessage().setHeader("MailRouteId", a.queueId());
    }
}
