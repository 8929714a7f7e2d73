package com.mailroute.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import com.mailroute.admin.Metrics;
import com.mailroute.broker.Queues;
import com.mailroute.failure.Classification;
import com.mailroute.failure.DeadLetter;
import com.mailroute.failure.DsnBuilder;
import com.mailroute.failure.FailureClassifier;
import com.mailroute.failure.RetrySchedule;
import com.mailroute.failure.Verdict;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.ingress.QueueIds;
import com.mailroute.ingress.Submission;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.queue.JobQueue;
import com.mailroute.routing.NextHop;
import com.mailroute.routing.NextHopResolver;
import com.mailroute.routing.ResolutionException;
import com.mailroute.smtp.SmtpReply;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt of one job: resolve the next hops, try them in order, and settle every
 * recipient — delivered, rescheduled (only the failed ones, with Artemis scheduled delivery, so the
 * consumer never waits), or dead-lettered with the evidence and a DSN to the sender.
 */
public final class DeliveryProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);
    private static final Duration DOMAIN_BUSY_DELAY = Duration.ofSeconds(2);
    private static final int DSN_WHOLE_MESSAGE_LIMIT = 256 * 1024;

    private final NextHopResolver resolver;
    private final HopSender hopSender;
    private final JobQueue queue;
    private final RetrySchedule schedule;
    private final Duration maxLifetime;
    private final Duration delayWarning;
    private final DsnBuilder dsn;
    private final MessageAcceptor acceptor;
    private final Metrics metrics;
    private final Clock clock;
    private final int maxPerDomain;
    private final Map<String, Semaphore> busyDomains = new ConcurrentHashMap<>();

    public DeliveryProcessor(NextHopResolver resolver, HopSender hopSender, JobQueue queue, RetrySchedule schedule,
                             Duration maxLifetime, Duration delayWarning, DsnBuilder dsn, MessageAcceptor acceptor, Metrics metrics, Clock clock, int maxPerDomain) {
        this.resolver = resolver;
        this.hopSender = hopSender;
        this.queue = queue;
        this.schedule = schedule;
        this.maxLifetime = maxLifetime;
        this.delayWarning = delayWarning;
        this.dsn = dsn;
        this.acceptor = acceptor;
        this.metrics = metrics;
        this.clock = clock;
        this.maxPerDomain = maxPerDomain;
    }

    public void deliver(Exchange exchange) {
        DeliveryJob job = DeliveryJob.fromHeaders(exchange.getMessage().getHeaders(), exchange.getMessage().getBody(byte[].class));
        Semaphore slots = maxPerDomain > 0 ? busyDomains.computeIfAbsent(job.domain(), d -> new Semaphore(maxPerDomain)) : null;
        if (slots != null && !slots.tryAcquire()) {
            // The domain already has its share of connections: put the job back for a moment, without
            // counting an attempt and without holding this consumer.
            queue.commit(List.of(JobQueue.Outgoing.job(Queues.OUTBOUND, job).delayed(DOMAIN_BUSY_DELAY)));
            LOG.debug("postponed id={} domain={}: {} deliveries already running for the domain", job.queueId(), job.domain(), maxPerDomain);
            return;
        }
        try {
            Instant now = clock.instant();
            DeliveryJob attempt = job.afterAttempt(now);
            List<Outcome> outcomes;
            try {
                outcomes = attempt(attempt);
            } catch (RuntimeException e) {
                // A fault of ours must not loop on the broker or lose the job: it waits its turn like any transient failure.
                LOG.error("deferred id={} domain={}: MailRoute error during delivery: {}", job.queueId(), job.domain(), e.toString(), e);
                Classification c = new Classification(Verdict.TRANSIENT, "4.3.0", "MailRoute error during delivery: " + e);
                outcomes = attempt.recipients().stream().map(r -> new Outcome(r, c, 0, "", "", "", "")).toList();
            }
            outcomes.stream().filter(o -> !o.note().isEmpty()).findFirst()
                    .ifPresent(o -> exchange.getMessage().setHeader("MailRouteAdapted", o.note()));
            settle(attempt, outcomes, now);
        } finally {
            if (slots != null) {
                slots.release();
            }
        }
    }

    /** What happened to one recipient in this attempt, with the evidence. */
    record Outcome(String recipient, Classification classification, int replyCode, String reply, String remoteHost, String stage, String note) {
    }

    List<Outcome> attempt(DeliveryJob job) {
        List<NextHop> hops;
        try {
            hops = resolver.resolve(job.domain());
        } catch (ResolutionException e) {
            Classification c = new Classification(e.permanent() ? Verdict.PERMANENT : Verdict.TRANSIENT, e.enhancedStatus(), e.getMessage());
            LOG.warn("{} id={} domain={} stage=dns: {}", e.permanent() ? "failed" : "deferred", job.queueId(), job.domain(), e.getMessage());
            return job.recipients().stream().map(r -> new Outcome(r, c, 0, "", "", "dns", "")).toList();
        }
        HopSender.Result last = null;
        List<String> tried = new ArrayList<>();
        for (NextHop hop : hops) {
            last = hopSender.send(hop, job);
            if (!last.tryNextHost()) {
                break;
            }
            tried.add(hop + " said " + last.hostFailureText());
        }
        if (last.tryNextHost()) {
            LOG.warn("deferred id={} domain={}: no next hop could be used; tried {}", job.queueId(), job.domain(), String.join("; ", tried));
        }
        return last.outcomes();
    }

    private void settle(DeliveryJob job, List<Outcome> outcomes, Instant now) {
        List<String> retry = new ArrayList<>();
        Map<String, Outcome> transientOutcomes = new LinkedHashMap<>();
        Map<String, List<Outcome>> dead = new LinkedHashMap<>();
        Outcome lastTransient = null;
        for (Outcome o : outcomes) {
            switch (o.classification().verdict()) {
                case DELIVERED -> {
                    LOG.info("delivered id={} domain={} rcpt=<{}> host={} reply=\"{}\"{}", job.queueId(), job.domain(), o.recipient(),
                            o.remoteHost(), oneLine(o.reply()), o.note().isEmpty() ? "" : " (" + o.note() + ")");
                    metrics.delivered(job.domain(), Duration.between(job.acceptedAt(), now));
                    if (!o.note().isEmpty()) {
                        metrics.converted(job.domain());
                    }
                }
                case TRANSIENT -> {
                    if (Duration.between(job.acceptedAt(), now).compareTo(maxLifetime) >= 0) {
                        Outcome expired = new Outcome(o.recipient(), FailureClassifier.expired(maxLifetime, o.classification()),
                                o.replyCode(), o.reply(), o.remoteHost(), o.stage(), o.note());
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
        List<JobQueue.Outgoing> out = new ArrayList<>();
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
            out.add(JobQueue.Outgoing.job(Queues.OUTBOUND, retryJob).delayed(delay));
            LOG.info("rescheduled id={} domain={} rcpts={} attempt={} host={} stage={} next in {}: {}", job.queueId(), job.domain(), retry,
                    job.attempts(), lastTransient.remoteHost().isEmpty() ? "-" : lastTransient.remoteHost(), lastTransient.stage(),
                    human(delay), lastTransient.classification().reason());
        }
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (List<Outcome> group : dead.values()) {
            Outcome o = group.get(0);
            List<String> rcpts = group.stream().map(Outcome::recipient).toList();
            DeadLetter dl = new DeadLetter(QueueIds.next(), job.withRecipients(rcpts), o.replyCode(), o.classification().enhancedStatus(),
                    o.reply(), o.remoteHost(), o.stage(), now, o.classification().reason());
            deadLetters.add(dl);
            out.add(new JobQueue.Outgoing(Queues.DEAD, job.message(), dl.properties(), Duration.ZERO));
            group.forEach(g -> bounced.add(failed(g.recipient(), "failed", g, now)));
        }
        queue.commit(out);
        for (DeadLetter dl : deadLetters) {
            metrics.bounced(job.domain());
            metrics.dead(job.domain());
            LOG.warn("dead letter {} id={} domain={} rcpts={} host={} stage={} attempts={} reply=\"{}\" reason: {}", dl.id(), job.queueId(),
                    job.domain(), dl.recipients(), dl.remoteHost(), dl.stage(), job.attempts(), oneLine(dl.reply()), dl.reason());
        }
        notifySender(job, bounced);
        notifySender(job, delayed);
    }

    /** A DSN to the envelope sender through the pipeline itself, with the null sender; never for &lt;&gt; (no loops). */
    private void notifySender(DeliveryJob job, List<DsnBuilder.FailedRecipient> recipients) {
        if (recipients.isEmpty() || job.sender().isEmpty()) {
            return;
        }
        try {
            // Return the whole message only while it is small; a large one comes back as its headers.
            byte[] report = dsn.build(job.sender(), job.queueId(), job.acceptedAt(), recipients, job.message(),
                    job.message().length <= DSN_WHOLE_MESSAGE_LIMIT);
            MessageAcceptor.Accepted a = acceptor.accept(new Submission("internal", report, "", List.of(job.sender())));
            LOG.info("dsn id={} ({}) for id={} sent to <{}>", a.queueId(), recipients.get(0).action(), job.queueId(), job.sender());
        } catch (RuntimeException e) {
            // The dead letter already keeps the evidence; a DSN that cannot be queued must not undo that.
            LOG.error("dsn for id={} to <{}> not queued: {}", job.queueId(), job.sender(), e.getMessage());
        }
    }

    private static DsnBuilder.FailedRecipient failed(String recipient, String action, Outcome o, Instant now) {
        String host = o.remoteHost().isEmpty() ? null : o.remoteHost().replaceAll(" \\[.*", "");
        SmtpReply reply = o.replyCode() == 0 ? null : new SmtpReply(o.replyCode(), o.classification().enhancedStatus(), o.reply());
        String status = o.classification().enhancedStatus();
        if (action.equals("delayed") && status.startsWith("5")) {
            status = "4" + status.substring(1);
        }
        return new DsnBuilder.FailedRecipient(recipient, action, status, host, reply, o.classification().reason(), now);
    }

    private static String key(Outcome o) {
        return o.replyCode() + "|" + o.reply() + "|" + o.stage() + "|" + o.remoteHost() + "|" + o.classification().reason();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    static String oneLine(String s) {
        return s.replace("\r\n", " / ").replace("\n", " / ");
    }
}
