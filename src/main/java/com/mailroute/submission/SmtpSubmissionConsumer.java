package com.mailroute.submission;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the listener while its route runs. Each received message becomes an exchange, processed on the
 * client's connection thread: body = the message bytes, headers {@link #MAIL_FROM}, {@link #RCPT_TO} and the
 * client's. The route answers the client through the {@link #SMTP_REPLY} header; a positive answer counts only
 * together with {@link #QUEUE_ID} (set by the accept step after the commit), anything else is a 451.
 */
public final class SmtpSubmissionConsumer extends DefaultConsumer implements MessageSink {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpSubmissionConsumer.class);

    /** The envelope sender ("" for &lt;&gt;). */
    public static final String MAIL_FROM = "MailFrom";
    /** The envelope recipients, a List of String. */
    public static final String RCPT_TO = "RcptTo";
    /** The client as {@link SubmittedMessage.Client}. */
    public static final String CLIENT = "SmtpClient";
    /** The reply the route gives, "250 2.0.0 Ok: queued as ..." (see {@link Reply#parse}). */
    public static final String SMTP_REPLY = "SmtpReply";
    /** MailRoute's queue id, set once the jobs are committed. */
    public static final String QUEUE_ID = "MailRouteId";

    private final SubmissionConfig config;
    private SubmissionServer server;

    SmtpSubmissionConsumer(SmtpSubmissionEndpoint endpoint, Processor processor, SubmissionConfig config) {
        super(endpoint, processor);
        this.config = config;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (config.port() == 0) {
            LOG.info("SMTP submission listener off (mailroute.submission.port=0)");
            return;
        }
        server = new SubmissionServer(config, ((SmtpSubmissionComponent) getEndpoint().getComponent()).spool(), this);
        server.start();
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
        super.doStop();
    }

    @Override
    public Reply accept(SubmittedMessage message) {
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(message.data());
            exchange.getMessage().setHeader(MAIL_FROM, message.sender());
            exchange.getMessage().setHeader(RCPT_TO, List.copyOf(message.recipients()));
            exchange.getMessage().setHeader(CLIENT, message.client());
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                LOG.error("SMTP message from {} not queued: the route failed: {}", message.client().describe(), exchange.getException().toString());
                return new Reply(451, "4.3.0", "Message not queued, try again later: " + exchange.getException().getMessage());
            }
            return replyOf(exchange, message);
        } catch (Exception e) {
            LOG.error("SMTP message from {} not queued: {}", message.client().describe(), e.toString());
            return new Reply(451, "4.3.0", "Message not queued, try again later: " + e.getMessage());
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private static Reply replyOf(Exchange exchange, SubmittedMessage message) {
        String text = exchange.getMessage().getHeader(SMTP_REPLY, String.class);
        Reply reply;
        try {
            reply = text == null ? null : Reply.parse(text);
        } catch (IllegalArgumentException e) {
            reply = null;
        }
        if (reply == null || (reply.positive() && exchange.getMessage().getHeader(QUEUE_ID) == null)) {
            LOG.error("SMTP message from {} not queued: the route ended without queuing it ({} = {}, {} = {})", message.client().describe(),
                    SMTP_REPLY, text, QUEUE_ID, exchange.getMessage().getHeader(QUEUE_ID));
            return new Reply(451, "4.3.0", "Message not queued, try again later: the ingress-smtp route did not queue it");
        }
        return reply;
    }
}
