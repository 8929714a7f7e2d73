package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import com.mailroute.queue.JmsBodies;
import com.mailroute.queue.OutgoingMessages;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The mailroute.submit queue's step: raw message in a BytesMessage or TextMessage, envelope in MailFrom / RcptTo.
 * The jobs are left in the exchange property {@value #JOBS} for the route to send in the transaction that consumed
 * the submission: the submission is taken off the queue exactly when its jobs are committed.
 */
public final class JmsIngress {
    public static final String JOBS = "jobs";

    private final MessageAcceptor acceptor;
    private final Clock clock;
    private final Spool spool;

    public JmsIngress(MessageAcceptor acceptor, Clock clock, Spool spool) {
        this.acceptor = acceptor;
        this.clock = clock;
        this.spool = spool;
    }

    public void accept(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof byte[] || body instanceof String || body instanceof java.io.InputStream)) {
            throw new RejectedException("not a message: mailroute.submit takes a BytesMessage or TextMessage holding the raw RFC 5322 message");
        }
        MessageBytes raw = JmsBodies.of(exchange, spool);   // a large submission streamed from the broker into the spool
        String from = exchange.getMessage().getHeader("MailFrom", String.class);
        String rcpt = exchange.getMessage().getHeader("RcptTo", String.class);
        List<String> rcpts = rcpt == null || rcpt.isBlank() ? null
                : Arrays.stream(rcpt.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
        MessageAcceptor.Prepared p = acceptor.prepare(new Submission("jms", raw, from == null || from.isBlank() ? null : from.strip(), rcpts));
        exchange.setProperty(JOBS, OutgoingMessages.of(exchange.getContext(), clock, p.jobs()));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                p.queued();    // every job went to the broker in the consumer's transaction: logged and counted once
                p.release();
            }

            @Override
            public void onFailure(Exchange failed) {
                p.release();   // rolled back: the submission is delivered again and accepted then
            }
        });
        // The submission is consumed; a plain message keeps the split from copying the JMS one into every job.
        exchange.setMessage(new DefaultMessage(exchange));
    }
}
