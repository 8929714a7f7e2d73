package com.mailroute.smtp;

import com.mailroute.format.LogText;
import com.mailroute.routing.NextHop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers one message to one next hop per call, reusing connections between calls. Thread-safe: concurrent
 * deliveries to the same hop each get their own connection. SMTP failures are returned as data, never thrown.
 */
public final class SmtpClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpClient.class);

    private final SmtpSettings settings;
    private final ConnectionPool pool;
    private final ScheduledExecutorService timer;

    public SmtpClient(SmtpSettings settings) {
        this.settings = settings;
        this.pool = new ConnectionPool(Math.max(1, settings.maxMessagesPerConnection()), settings.maxIdle(), settings.tlsPolicy());
        // two threads: write timeouts must fire even while the sweeper waits for a QUIT reply
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "smtp-client-timer");
            t.setDaemon(true);
            return t;
        });
        // Angus schedules (and cancels) a write-timeout task per write: drop cancelled ones at once, not after the timeout.
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
        long sweep = Math.max(1000, settings.maxIdle().toMillis() / 2);
        timer.scheduleWithFixedDelay(pool::closeIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * One attempt at one host.
     *
     * @param mailFrom   the envelope sender, "" for the null sender {@code <>}
     * @param recipients envelope recipients (the message headers are never used for the envelope)
     */
    public HopResult deliver(NextHop hop, String mailFrom, List<String> recipients, MessagePreparer preparer) {
        return deliver(hop, mailFrom, recipients, preparer, "");
    }

    /** As above; {@code logContext} (e.g. "id=... domain=...") starts the attempt's log line. */
    public HopResult deliver(NextHop hop, String mailFrom, List<String> recipients, MessagePreparer preparer, String logContext) {
        SmtpConnection pooled = pool.take(hop);
        if (pooled != null) {
            HopResult result = attempt(hop, pooled, true, mailFrom, recipients, preparer);
            if (result != null) {
                return logged(logContext, result);
            }
            LOG.debug("pooled connection to {} is broken; opening a new one", hop);
        }
        SmtpConnection connection;
        try {
            connection = open(hop);
        } catch (SessionFailure f) {
            return logged(logContext, new HopResult(hop, f.failure(), failAll(recipients, f.failure()), "", false));
        }
        return logged(logContext, attempt(hop, connection, false, mailFrom, recipients, preparer));
    }

    /** One transaction; null when a reused connection was found broken before anything was sent (it is closed). */
    private HopResult attempt(NextHop hop, SmtpConnection connection, boolean reused, String mailFrom, List<String> recipients,
                              MessagePreparer preparer) {
        PreparedMessage message;
        try {
            message = preparer.prepare(connection.capabilities());
        } catch (PolicyRejection rejection) {
            pool.giveBack(connection);   // nothing was sent: the session is still clean
            List<RecipientResult> results = recipients.stream().map(r -> RecipientResult.refused(r, rejection)).toList();
            return new HopResult(hop, null, results, "", reused);
        } catch (RuntimeException | Error e) {
            connection.quit();
            throw e;
        }
        Transaction transaction = new Transaction(hop, connection, reused, mailFrom, recipients, message);
        HopResult result;
        try {
            result = transaction.run();
        } catch (RuntimeException | Error e) {
            connection.quit();
            throw e;
        } finally {
            message.releaseScratch();   // a converted spooled copy is for this host only; the queued bytes stay
        }
        if (transaction.connectionUsable()) {
            pool.giveBack(connection);
        } else {
            connection.quit();
        }
        return result;
    }

    private SmtpConnection open(NextHop hop) throws SessionFailure {
        TlsPolicy tls = settings.tlsPolicy().apply(hop.host());
        try {
            return SmtpConnection.open(hop, settings, tls, timer);
        } catch (SessionFailure f) {
            if (tls != TlsPolicy.MAY || f.stage() != SmtpStage.STARTTLS) {
                throw f;
            }
            LOG.warn("{}: STARTTLS failed ({}); opportunistic TLS, retrying without TLS", hop, f.getMessage());
            return SmtpConnection.open(hop, settings, TlsPolicy.NONE, timer);
        }
    }

    private static List<RecipientResult> failAll(List<String> recipients, HostFailure failure) {
        return recipients.stream().map(r -> RecipientResult.failed(r, failure.reply(), failure.stage())).toList();
    }

    /** One log line per attempt: host, stage and the verbatim reply on one line; WARN when anything failed. */
    private static HopResult logged(String logContext, HopResult result) {
        long delivered = result.recipients().stream().filter(RecipientResult::delivered).count();
        boolean allDelivered = delivered == result.recipients().size();
        StringBuilder line = new StringBuilder(logContext.isEmpty() ? "" : logContext + " ").append(result.hop()).append(" (").append(result.hop().source())
                .append("): ").append(delivered).append('/').append(result.recipients().size()).append(" delivered")
                .append(result.connectionReused() ? " on a reused connection" : "");
        HostFailure f = result.hostFailure();
        if (f != null) {
            line.append("; ").append(f.error()).append(" at ").append(f.stage().label());
            if (f.reply() != null) {
                line.append(": ").append(oneLine(f.reply()));
            }
        }
        for (RecipientResult r : result.recipients()) {
            if (r.delivered()) {
                continue;
            }
            if (r.refusal() != null) {
                line.append("; ").append(r.recipient()).append(" not sent, MailRoute refused (").append(r.refusal().enhancedStatus())
                        .append("): ").append(LogText.oneLine(r.refusal().reason()));
            } else if (f == null || r.reply() != f.reply()) {
                line.append("; ").append(r.recipient()).append(" refused at ").append(r.stage().label())
                        .append(": ").append(oneLine(r.reply()));
            }
        }
        result.recipients().stream().filter(RecipientResult::delivered).findFirst()
                .ifPresent(r -> line.append("; end of data: ").append(oneLine(r.reply())));
        if (allDelivered) {
            LOG.info(line.toString());
        } else {
            LOG.warn(line.toString());
        }
        return result;
    }

    private static String oneLine(SmtpReply reply) {
        return reply == null ? "(no reply)" : LogText.oneLine(reply.text());
    }

    /** QUITs every pooled connection. */
    @Override
    public void close() {
        pool.closeAll();
        timer.shutdownNow();   // after the QUITs: the write timeouts run on it
    }
}
