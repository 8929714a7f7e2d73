package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import com.mailroute.queue.JmsBodies;
import com.mailroute.queue.JobQueue;
import com.mailroute.queue.OutgoingMessages;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Accepting a JMS submission: raw message in a BytesMessage or TextMessage, envelope in MailFrom / RcptTo. The
 * submission is taken off the broker exactly when what its acceptance writes is committed: its jobs (left in the
 * exchange property {@value #JOBS} for the route's producers) or, with the embedded broker, its first delivery attempt.
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

    /** The mailroute.submit route's step (an external broker): the jobs are left in {@value #JOBS} for the route to send. */
    public void accept(Exchange exchange) {
        MessageAcceptor.Prepared p = prepare(exchange);
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

    /**
     * The delivery route's step for a submission the embedded broker sent to mailroute.outbound: accepted in the
     * transaction of its first delivery attempt. A message for one domain becomes this exchange's job, attempted now;
     * the jobs of a message for several domains are left in {@value #JOBS} to be queued, none attempted here, so
     * that no domain waits for another's attempt.
     */
    public void acceptForAttempt(Exchange exchange) {
        MessageAcceptor.Prepared p = prepare(exchange);
        p.queued();   // before the attempt's own log lines; a rolled-back attempt accepts the submission again
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                p.release();
            }
        });
        if (p.jobs().size() == 1) {
            JobQueue.Outgoing job = p.jobs().get(0);
            Message m = new DefaultMessage(exchange);
            m.setBody(job.body());   // as MessageBytes: the attempt reads it where it is, heap or spool
            m.getHeaders().putAll(job.properties());
            exchange.setMessage(m);
            exchange.setProperty(JOBS, List.of());
        } else {
            exchange.setProperty(JOBS, OutgoingMessages.of(exchange.getContext(), clock, p.jobs()));
            exchange.setMessage(new DefaultMessage(exchange));
        }
    }

    private MessageAcceptor.Prepared prepare(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof byte[] || body instanceof String || body instanceof java.io.InputStream)) {
            throw new RejectedException("not a message: mailroute.submit takes a BytesMessage or TextMessage holding the raw RFC 5322 message");
        }
        MessageBytes raw = JmsBodies.of(exchange, spool);   // a large submission streamed from the broker into the spool
        String from = exchange.getMessage().getHeader("MailFrom", String.class);
        String rcpt = exchange.getMessage().getHeader("RcptTo", String.class);
        List<String> rcpts = rcpt == null || rcpt.isBlank() ? null
                : Arrays.stream(rcpt.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
        return acceptor.prepare(new Submission("jms", raw, from == null || from.isBlank() ? null : from.strip(), rcpts));
    }
}
