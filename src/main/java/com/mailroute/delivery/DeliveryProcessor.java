package com.mailroute.delivery;

import com.mailroute.format.LogText;
import com.mailroute.format.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import com.mailroute.broker.Queues;
import com.mailroute.failure.Classification;
import com.mailroute.failure.DeadLetter;
import com.mailroute.failure.DsnBuilder;
import com.mailroute.failure.RetrySchedule;
import com.mailroute.failure.Verdict;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.ingress.QueueIds;
import com.mailroute.ingress.Submission;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.queue.JmsBodies;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.queue.JobQueue;
import com.mailroute.queue.OutgoingMessages;
import com.mailroute.routing.NextHop;
import com.mailroute.routing.ResolutionException;
import com.mailroute.smtp.HopResult;
import com.mailroute.smtp.HostFailure;
import com.mailroute.smtp.SmtpReply;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of routes/delivery.camel.yaml, one attempt of one job: {@link #begin} reads the job, {@link #send} resolves
 * the next hops and tries them in order, {@link #settle} decides for every recipient — delivered, rescheduled (only the
 * failed ones, with Artemis scheduled delivery, so the consumer never waits), or dead-lettered with the evidence and a
 * DSN to the sender. Settling writes nothing itself: it leaves the messages to write in the exchange properties
 * {@value #RESCHEDULED}, {@value #DEAD_LETTERS} and {@value #NOTICES} (and {@value #WRITES} true when any holds one,
 * set where they are written), and the route's jms: producers send them in the transaction that consumed the job, so
 * the job and its outcome are committed together.
 */
public final class DeliveryProcessor {
    public static final String RESCHEDULED = "rescheduled";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String NOTICES = "notices";
    public static final String POSTPONED = "postponed";
    /** True when the attempt left anything in those three: most attempts deliver everything and write nothing more. */
    public static final String WRITES = "writes";
    static final String ATTEMPT = "MailRouteAttempt";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);
    private static final Duration DOMAIN_BUSY_DELAY = Duration.ofSeconds(2);
    private static final int DSN_WHOLE_MESSAGE_LIMIT = 256 * 1024;
    /** What a DSN returns of a large message: its header section, which is never near this long. */
    private static final int HEADER_LIMIT = 256 * 1024;

    private final NextHops resolver;
    private final HopSender hopSender;
    private final RetrySchedule schedule;
    private final Duration maxLifetime;
    private final Duration delayWarning;
    private final DsnBuilder dsn;
    private final MessageAcceptor acceptor;
    private final DeliveryEvents metrics;
    private final Clock clock;
    private final Spool spool;
    private final int maxPerDomain;
    private final int maxInternalErrors;
    private final Map<String, Semaphore> busyDomains = new ConcurrentHashMap<>();

    public DeliveryProcessor(NextHops resolver, HopSender hopSender, RetrySchedule schedule, Duration maxLifetime,
                             Duration delayWarning, DsnBuilder dsn, MessageAcceptor acceptor, DeliveryEvents metrics, Clock clock,
                             Spool spool, int maxPerDomain, int maxInternalErrors) {
        this.resolver = resolver;
        this.hopSender = hopSender;
        this.schedule = schedule;
        this.maxLifetime = maxLifetime;
        this.delayWarning = delayWarning;
        this.dsn = dsn;
        this.acceptor = acceptor;
        this.metrics = metrics;
        this.clock = clock;
        this.spool = spool;
        this.maxPerDomain = maxPerDomain;
        this.maxInternalErrors = maxInternalErrors;
    }

    /** One attempt in progress: the job as it will be settled and, once sent, what happened to each recipient. */
    static final class Attempt {
        DeliveryJob job;
        final Instant startedAt;
        List<RecipientOutcome> outcomes = List.of();

        Attempt(DeliveryJob job, Instant startedAt) {
            this.job = job;
            this.startedAt = startedAt;
        }
    }

    /**
     * Reads the job. When its domain already has its share of deliveries running, puts it back for a moment (without
     * counting an attempt and without holding this consumer) and sets {@value #POSTPONED}: the route skips the attempt.
     */
    public void begin(Exchange exchange) {
        MessageBytes body = JmsBodies.of(exchange, spool);
        DeliveryJob job = DeliveryJob.fromHeaders(exchange.getMessage().getHeaders(), body);
        // The job now lives in the attempt; a plain message instead of the consumed JMS one keeps the route's
        // producers from copying the consumed message into every message they send.
        exchange.setMessage(new DefaultMessage(exchange));
        exchange.setProperty(RESCHEDULED, List.of());
        exchange.setProperty(DEAD_LETTERS, List.of());
        exchange.setProperty(NOTICES, List.of());
        exchange.setProperty(POSTPONED, false);
        exchange.setProperty(WRITES, false);
        if (maxPerDomain > 0) {
            Semaphore slots = busyDomains.computeIfAbsent(job.domain(), d -> new Semaphore(maxPerDomain));
            if (!slots.tryAcquire()) {
                write(exchange, RESCHEDULED, List.of(JobQueue.Outgoing.job(Queues.OUTBOUND, job).delayed(DOMAIN_BUSY_DELAY)));
                LOG.debug("postponed id={} domain={}: {} deliveries already running for the domain", job.queueId(), job.domain(), maxPerDomain);
                exchange.setProperty(POSTPONED, true);
                return;
            }
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    slots.release();
                }
            });
        }
        Instant now = clock.instant();
        exchange.setProperty(ATTEMPT, new Attempt(job.afterAttempt(now), now));
    }

    /** Resolves the next hops and tries them in order until one takes the transaction (the MX loop). */
    public void send(Exchange exchange) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        try {
            attempt.outcomes = attempt(attempt.job);
            attempt.job = attempt.job.withInternalErrors(0);
        } catch (RuntimeException e) {
            // A fault of ours must not loop on the broker or lose the job: it waits its turn like a transient failure,
            // and when it repeats on every attempt it is a bug, not bad luck: the job becomes a dead letter that says so.
            DeliveryJob job = attempt.job.withInternalErrors(attempt.job.internalErrors() + 1);
            attempt.job = job;
            boolean giveUp = job.internalErrors() >= maxInternalErrors;
            Classification c = giveUp
                    ? new Classification(Verdict.PERMANENT, "5.3.0", "MailRoute internal error on " + job.internalErrors()
                            + " attempts in a row (a bug in MailRoute: please report it with this reason): " + e)
                    : new Classification(Verdict.TRANSIENT, "4.3.0", "MailRoute error during delivery: " + e);
            LOG.error("{} id={} domain={}: MailRoute error during delivery ({} of {} allowed in a row{}): {}", giveUp ? "failed" : "deferred",
                    job.queueId(), job.domain(), job.internalErrors(), maxInternalErrors,
                    giveUp ? "; giving up: this is a bug in MailRoute, please report it" : "", e.toString(), e);
            attempt.outcomes = job.recipients().stream().map(r -> RecipientOutcome.unsent(r, c, "")).toList();
        }
    }

    /** Decides every recipient's fate and leaves what must be written for the route's producers. */
    public void settle(Exchange exchange) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        settle(exchange, attempt.job, attempt.outcomes, attempt.startedAt);
    }

    List<RecipientOutcome> attempt(DeliveryJob job) {
        List<NextHop> hops;
        try {
            hops = resolver.resolve(job.domain());
        } catch (ResolutionException e) {
            Classification c = new Classification(e.permanent() ? Verdict.PERMANENT : Verdict.TRANSIENT, e.enhancedStatus(), e.getMessage());
            LOG.warn("{} id={} domain={} stage=dns: {}", e.permanent() ? "failed" : "deferred", job.queueId(), job.domain(), e.getMessage());
            return job.recipients().stream().map(r -> RecipientOutcome.unsent(r, c, "dns")).toList();
        }
        HopResult last = null;
        List<String> tried = new ArrayList<>();
        for (NextHop hop : hops) {
            last = hopSender.send(hop, job);
            if (!last.tryNextHost()) {
                break;
            }
            tried.add(hop + " said " + said(last.hostFailure()));
        }
        if (last.tryNextHost()) {
            LOG.warn("deferred id={} domain={}: no next hop could be used; tried {}", job.queueId(), job.domain(), String.join("; ", tried));
        }
        return RecipientOutcome.of(job.recipients(), last);
    }

    /** A host failure on one line: "greeting: 421 4.3.2 busy" or "connect: connection refused". */
    private static String said(HostFailure f) {
        return f.stage().label() + ": " + (f.reply() != null ? LogText.oneLine(f.reply().text()) : f.error());
    }

    private void settle(Exchange exchange, DeliveryJob job, List<RecipientOutcome> outcomes, Instant now) {
        List<String> retry = new ArrayList<>();
        Map<String, RecipientOutcome> transientOutcomes = new LinkedHashMap<>();
        Map<String, List<RecipientOutcome>> dead = new LinkedHashMap<>();
        RecipientOutcome lastTransient = null;
        for (RecipientOutcome o : outcomes) {
            switch (o.classification().verdict()) {
                case DELIVERED -> {
                    LOG.info("delivered id={} domain={} rcpt=<{}> host={} reply=\"{}\"{}", job.queueId(), job.domain(), o.recipient(),
                            o.remoteHost(), LogText.oneLine(o.reply()), o.note().isEmpty() ? "" : " (" + o.note() + ")");
                    metrics.delivered(job.domain(), Duration.between(job.acceptedAt(), now));
                    if (!o.note().isEmpty()) {
                        metrics.converted(job.domain());
                    }
                }
                case TRANSIENT -> {
                    if (Duration.between(job.acceptedAt(), now).compareTo(maxLifetime) >= 0) {
                        RecipientOutcome expired = o.expired(maxLifetime);
                        dead.computeIfAbsent(key(expired), k -> new ArrayList<>()).add(expired);
                    } else {
                        retry.add(o.recipient());
                        transientOutcomes.put(o.recipient(), o);
                        lastTransient = o;
                        metrics.deferred(job.domain());
                    }
                }
                case PERMANENT -> dead.computeIfAbsent(key(o), k -> new ArrayList<>()).add(o);
            }
        }
        List<JobQueue.Outgoing> rescheduled = new ArrayList<>();
        List<JobQueue.Outgoing> deadLetterMessages = new ArrayList<>();
        List<DsnBuilder.FailedRecipient> bounced = new ArrayList<>();
        List<DsnBuilder.FailedRecipient> delayed = new ArrayList<>();
        DeliveryJob retryJob = null;
        if (!retry.isEmpty()) {
            retryJob = job.withRecipients(retry);
            if (!job.delayWarned() && !delayWarning.isZero() && Duration.between(job.acceptedAt(), now).compareTo(delayWarning) >= 0) {
                for (String r : retry) {
                    delayed.add(failed(r, "delayed", transientOutcomes.get(r), now));
                }
                retryJob = retryJob.delayWarningSent();
            }
            Duration delay = schedule.delayAfter(job.attempts());
            rescheduled.add(JobQueue.Outgoing.job(Queues.OUTBOUND, retryJob).delayed(delay));
            LOG.info("rescheduled id={} domain={} rcpts={} attempt={} host={} stage={} next in {}: {}", job.queueId(), job.domain(), retry,
                    job.attempts(), lastTransient.remoteHost().isEmpty() ? "-" : lastTransient.remoteHost(), lastTransient.stage(),
                    Durations.format(delay.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), lastTransient.classification().reason());
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (List<RecipientOutcome> group : dead.values()) {
            RecipientOutcome o = group.get(0);
            List<String> rcpts = group.stream().map(RecipientOutcome::recipient).toList();
            DeadLetter dl = new DeadLetter(QueueIds.next(), job.withRecipients(rcpts), o.replyCode(), o.classification().enhancedStatus(),
                    o.reply(), o.remoteHost(), o.stage(), now, o.classification().reason());
            deadLetters.add(dl);
            deadLetterMessages.add(new JobQueue.Outgoing(Queues.DEAD, job.message(), dl.properties(), Duration.ZERO));
            group.forEach(g -> bounced.add(failed(g.recipient(), "failed", g, now)));
        }
        write(exchange, RESCHEDULED, rescheduled);
        write(exchange, DEAD_LETTERS, deadLetterMessages);
        for (DeadLetter dl : deadLetters) {
            metrics.bounced(job.domain());
            metrics.dead(job.domain());
            LOG.warn("dead letter {} id={} domain={} rcpts={} host={} stage={} attempts={} reply=\"{}\" reason: {}", dl.id(), job.queueId(),
                    job.domain(), dl.recipients(), dl.remoteHost(), dl.stage(), job.attempts(), LogText.oneLine(dl.reply()), dl.reason());
        }
        List<JobQueue.Outgoing> notices = new ArrayList<>();
        notices.addAll(notifySender(exchange, job, bounced));
        notices.addAll(notifySender(exchange, job, delayed));
        write(exchange, NOTICES, notices);
    }

    private void write(Exchange exchange, String property, List<JobQueue.Outgoing> messages) {
        exchange.setProperty(property, OutgoingMessages.of(exchange.getContext(), clock, messages));
        if (!messages.isEmpty()) {
            exchange.setProperty(WRITES, true);
        }
    }

    /**
     * A DSN to the envelope sender through the pipeline itself, with the null sender; never for &lt;&gt; (no loops).
     * Returns its delivery jobs, written in the same transaction as the outcome it reports.
     */
    private List<JobQueue.Outgoing> notifySender(Exchange exchange, DeliveryJob job, List<DsnBuilder.FailedRecipient> recipients) {
        if (recipients.isEmpty() || job.sender().isEmpty()) {
            return List.of();
        }
        try {
            // Return the whole message only while it is small; a large one comes back as its headers.
            boolean whole = job.message().size() <= DSN_WHOLE_MESSAGE_LIMIT;
            byte[] report = dsn.build(job.sender(), job.queueId(), job.acceptedAt(), recipients,
                    whole ? job.message().toByteArray() : job.message().head(HEADER_LIMIT), whole);
            MessageAcceptor.Prepared p = acceptor.prepare(new Submission("internal", report, "", List.of(job.sender())));
            // Logged and counted once the attempt's writes all went to the broker, not again for a rolled-back attempt.
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onComplete(Exchange done) {
                    p.queued();
                    LOG.info("dsn id={} ({}) for id={} sent to <{}>", p.queueId(), recipients.get(0).action(), job.queueId(), job.sender());
                }
            });
            return p.jobs();
        } catch (RuntimeException e) {
            // The dead letter already keeps the evidence; a DSN that cannot be built must not undo that.
            LOG.error("dsn for id={} to <{}> not queued: {}", job.queueId(), job.sender(), e.getMessage());
            return List.of();
        }
    }

    private static DsnBuilder.FailedRecipient failed(String recipient, String action, RecipientOutcome o, Instant now) {
        String host = o.remoteHost().isEmpty() ? null : o.remoteHost().replaceAll(" \\[.*", "");
        SmtpReply reply = o.replyCode() == 0 ? null : new SmtpReply(o.replyCode(), o.classification().enhancedStatus(), o.reply());
        String status = o.classification().enhancedStatus();
        if (action.equals("delayed") && status.startsWith("5")) {
            status = "4" + status.substring(1);
        }
        return new DsnBuilder.FailedRecipient(recipient, action, status, host, reply, o.classification().reason(), now);
    }

    private static String key(RecipientOutcome o) {
        return o.replyCode() + "|" + o.reply() + "|" + o.stage() + "|" + o.remoteHost() + "|" + o.classification().reason();
    }

}
