package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.message.MailAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.mailroute.broker.Queues;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.queue.JobQueue;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.sanitize.SanitizedMessage;
import com.mailroute.spool.HeapBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepting a message: check its shape and size, find and validate the envelope, sanitize it,
 * split it into one delivery job per recipient domain and commit them all to the broker.
 * Returns only after the commit; throws {@link RejectedException} for anything refused.
 */
public final class MessageAcceptor {
    private static final Logger LOG = LoggerFactory.getLogger(MessageAcceptor.class);

    private final MessageShape shape = new MessageShape();
    private final EnvelopeReader envelopes = new EnvelopeReader();
    private final MessageSanitizer sanitizer;
    private final JobQueue queue;
    private final long maxSize;
    private final Set<String> allowedSenderDomains;
    private final Clock clock;
    private volatile java.util.function.Consumer<com.mailroute.sanitize.SanitizeReport> onAccepted = r -> { };
    private volatile HeapBudget heap = new HeapBudget(Long.MAX_VALUE);
    /** A message in the heap is there as received, sanitized, and in the broker client's buffer while it is sent. */
    private static final int HEAP_COPIES = 3;

    public MessageAcceptor(MessageSanitizer sanitizer, JobQueue queue, long maxSize, Set<String> allowedSenderDomains, Clock clock) {
        this.sanitizer = sanitizer;
        this.queue = queue;
        this.maxSize = maxSize;
        this.allowedSenderDomains = allowedSenderDomains;
        this.clock = clock;
    }

    /** What was accepted: the queue id and the domains it was split into. */
    public record Accepted(String queueId, List<String> domains) {
    }

    /**
     * A message checked, sanitized and split into its delivery jobs, not yet on the broker: the caller commits
     * {@link #jobs()} in its own transaction (the JMS submit route and a delivery attempt's DSN do, together with the
     * message they consumed) and then calls {@link #queued()}.
     */
    public final class Prepared {
        private final Submission submission;
        private final String queueId;
        private final Envelope envelope;
        private final SanitizedMessage clean;
        private final List<JobQueue.Outgoing> jobs;
        private final HeapBudget.Lease lease;

        private Prepared(Submission submission, String queueId, Envelope envelope, SanitizedMessage clean, List<JobQueue.Outgoing> jobs,
                         HeapBudget.Lease lease) {
            this.lease = lease;
            this.submission = submission;
            this.queueId = queueId;
            this.envelope = envelope;
            this.clean = clean;
            this.jobs = jobs;
        }

        public List<JobQueue.Outgoing> jobs() {
            return jobs;
        }

        public String queueId() {
            return queueId;
        }

        /** Deletes the spool file of the sanitized copy, if it has one; call once its jobs are on the broker (or refused). */
        public void release() {
            clean.bytes().release();
            lease.close();
        }

        /** Counts and logs the message as queued; call once its jobs are committed (or are in the caller's transaction). */
        public Accepted queued() {
            onAccepted.accept(clean.report());
            List<String> domains = List.copyOf(envelope.byDomain().keySet());
            LOG.info("queued id={} via={}{} from=<{}> rcpts={} domains={} size={} sanitize={}", queueId, submission.wayIn(),
                    submission.client() == null ? "" : " client=" + submission.client(), envelope.sender(),
                    envelope.recipients().size(), domains, clean.bytes().size(), clean.report());
            return new Accepted(queueId, domains);
        }
    }

    /** Limits the message data accepted in the heap at once: past it, submissions are told to try again. */
    public void limitHeap(HeapBudget budget) {
        this.heap = budget;
    }

    /** Called with the sanitizer's report of every accepted message (metrics). */
    public void onAccepted(java.util.function.Consumer<com.mailroute.sanitize.SanitizeReport> listener) {
        this.onAccepted = listener;
    }

    /** Checks, sanitizes and commits the message's jobs in one broker transaction of its own. */
    public Accepted accept(Submission s) {
        Prepared p = prepare(s);
        try {
            queue.commit(p.jobs());
        } finally {
            p.release();
        }
        return p.queued();
    }

    /** Checks, sanitizes and splits the message into jobs without committing them; throws {@link RejectedException}. */
    public Prepared prepare(Submission s) {
        // MailRoute's own messages (DSNs, digests) are small and must never wait; spooled ones use only buffers.
        boolean counted = s.raw().inHeap() && !s.wayIn().equals("internal");
        HeapBudget.Lease lease = heap.hold(counted ? HEAP_COPIES * s.raw().size() : 0);
        try {
            return prepare(s, lease);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private Prepared prepare(Submission s, HeapBudget.Lease lease) {
        shape.check(s.raw(), maxSize);
        String queueId = QueueIds.next();
        SanitizedMessage clean = sanitizer.sanitize(s.raw(), s.wayIn(), queueId, s.origin());
        // The envelope comes from the header section as the sanitizer read it (an mbox From line skipped, the
        // header ending at the first line that is not a field), so it agrees with what is sent.
        Envelope envelope;
        try {
            envelope = envelopes.read(s, clean.senderHeader());
            checkSenderAllowed(s.wayIn(), envelope.sender());
        } catch (RuntimeException refused) {
            clean.bytes().release();   // the sanitizer's copy, if it made one; the raw message is the caller's
            throw refused;
        }
        Instant now = clock.instant();
        List<JobQueue.Outgoing> jobs = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, List<MailAddress>> e : envelope.byDomain().entrySet()) {
            List<String> rcpts = e.getValue().stream().map(MailAddress::address).toList();
            DeliveryJob job = new DeliveryJob(queueId, queueId + "." + (++n), envelope.sender(), rcpts, e.getKey(), now,
                    s.wayIn(), 0, null, clean.report().toString(), false, 0, clean.bytes());
            JobQueue.Outgoing out = JobQueue.Outgoing.job(Queues.OUTBOUND, job);
            // Both forms of an IDN domain, and whether a local part needs an SMTPUTF8 next hop.
            out.properties().put("DomainUnicode", e.getValue().get(0).domain());
            out.properties().put("NeedsSmtputf8", e.getValue().stream().anyMatch(MailAddress::needsSmtpUtf8)
                    || (!envelope.sender().isEmpty() && MailAddress.parse(envelope.sender()).needsSmtpUtf8()));
            jobs.add(out);
        }
        return new Prepared(s, queueId, envelope, clean, jobs, lease);
    }

    private void checkSenderAllowed(String wayIn, String sender) {
        if (allowedSenderDomains.isEmpty() || wayIn.equals("pickup") || wayIn.equals("internal")) {
            return;
        }
        String domain = sender.isEmpty() ? "" : MailAddress.parse(sender).asciiDomain();
        if (!allowedSenderDomains.contains(domain.toLowerCase(Locale.ROOT))) {
            throw new RejectedException("sender <" + sender + "> is not allowed: its domain is not in mailroute.sender.allowed-domains", 403);
        }
    }
}
