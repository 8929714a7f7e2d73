package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.MessageBytes;
import java.util.List;

import com.mailroute.queue.JobQueue;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.submission.SmtpSubmissionConsumer;
import com.mailroute.submission.SubmittedMessage;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listener's step (route ingress-smtp): the envelope from MAIL FROM / RCPT TO, the client in the
 * Received field, then the same accept step as every way in. Its answer to the client goes in the SmtpReply
 * header: 250 only after the commit, 5xx naming why a message is refused, 451 when it could not be queued.
 */
public final class SmtpIngress {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpIngress.class);

    private final MessageAcceptor acceptor;

    public SmtpIngress(MessageAcceptor acceptor) {
        this.acceptor = acceptor;
    }

    public void accept(Exchange exchange) {
        SubmittedMessage.Client client = exchange.getMessage().getHeader(SmtpSubmissionConsumer.CLIENT, SubmittedMessage.Client.class);
        @SuppressWarnings("unchecked")
        List<String> rcpts = exchange.getMessage().getHeader(SmtpSubmissionConsumer.RCPT_TO, List.class);
        String from = exchange.getMessage().getHeader(SmtpSubmissionConsumer.MAIL_FROM, "", String.class);
        MessageBytes raw = exchange.getMessage().getBody(MessageBytes.class);
        MessageAcceptor.Accepted a = acceptor.accept(new Submission("smtp", raw == null ? MessageBytes.of(new byte[0]) : raw, from, rcpts,
                new MessageSanitizer.Origin(client.receivedFrom(), client.protocol()), client.describe()));
        exchange.getMessage().setHeader(SmtpSubmissionConsumer.QUEUE_ID, a.queueId());
        exchange.getMessage().setHeader(SmtpSubmissionConsumer.SMTP_REPLY, "250 2.0.0 Ok: queued as " + a.queueId());
    }

    /** A refused message: a permanent 5xx that names the reason, as HTTP's 4xx does. */
    public void reject(Exchange exchange) {
        RejectedException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedException.class);
        String reply = switch (e.httpStatus()) {
            case 413 -> "552 5.3.4 ";
            case 403 -> "550 5.7.1 ";
            default -> "554 5.6.0 ";
        };
        LOG.warn("rejected SMTP message from {}: {}", client(exchange), e.getMessage());
        exchange.getMessage().setHeader(SmtpSubmissionConsumer.SMTP_REPLY, reply + "Message refused: " + e.getMessage());
    }

    /** The broker (or anything else) failed: nothing was accepted, the client keeps the message and retries. */
    public void unavailable(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String why = e instanceof JobQueue.BrokerUnavailableException ? e.getMessage() : e.toString();
        LOG.error("SMTP message from {} not queued: {}", client(exchange), why);
        exchange.getMessage().setHeader(SmtpSubmissionConsumer.SMTP_REPLY, AcceptFailure.heapFull(e)
                ? "452 4.3.1 Message not queued, try again later: " + AcceptFailure.describe(e)
                : "451 4.3.0 Message not queued, try again later: " + why);
    }

    private static String client(Exchange exchange) {
        SubmittedMessage.Client c = exchange.getMessage().getHeader(SmtpSubmissionConsumer.CLIENT, SubmittedMessage.Client.class);
        return c == null ? "(unknown client)" : c.describe();
    }
}
