package com.mailroute.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.mailroute.format.MailDates;
import com.mailroute.format.MessageIds;
import com.mailroute.failure.DeadLetter;
import com.mailroute.failure.DeadLetterStore;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.ingress.Submission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Quartz jobs of routes/housekeeping.camel.yaml: dead-letter retention and the postmaster digest. */
public final class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final DeadLetterStore deadLetters;
    private final MessageAcceptor acceptor;
    private final Duration retention;
    private final String postmaster;
    private final String heloName;
    private final Path lastDigestFile;
    private final Clock clock;

    public Housekeeping(DeadLetterStore deadLetters, MessageAcceptor acceptor, Duration retention, String postmaster, String heloName,
                        Path stateDir, Clock clock) {
        this.deadLetters = deadLetters;
        this.acceptor = acceptor;
        this.retention = retention;
        this.postmaster = postmaster;
        this.heloName = heloName;
        this.lastDigestFile = stateDir.resolve("last-postmaster-digest");
        this.clock = clock;
    }

    /** Removes dead letters older than mailroute.dead.retention; the store logs one line each. */
    public int removeExpiredDeadLetters() {
        List<DeadLetter> removed = deadLetters.removeOlderThan(clock.instant().minus(retention));
        if (!removed.isEmpty()) {
            LOG.info("retention: removed {} dead letter(s) older than {}", removed.size(), retention);
        }
        return removed.size();
    }

    /** Sends one message to mailroute.postmaster listing the dead letters that appeared since the last digest. */
    public int sendPostmasterDigest() throws IOException {
        Instant since = lastDigest();
        Instant now = clock.instant();
        List<DeadLetter> fresh = deadLetters.list().stream().filter(d -> d.lastAttempt().isAfter(since)).toList();
        if (fresh.isEmpty()) {
            return 0;
        }
        StringBuilder body = new StringBuilder();
        body.append(fresh.size()).append(" new dead letter(s) on ").append(heloName).append(" since ").append(since).append(":\r\n\r\n");
        for (DeadLetter d : fresh) {
            body.append("- ").append(d.job().domain()).append("  ").append(d.replyCode() == 0 ? "-" : String.valueOf(d.replyCode()))
                    .append("  ").append(d.remoteHost().isEmpty() ? "(no host)" : d.remoteHost()).append("  ").append(d.reason())
                    .append("\r\n  id ").append(d.id()).append(", queue id ").append(d.job().queueId()).append(", recipients ")
                    .append(String.join(", ", d.recipients())).append("\r\n");
        }
        body.append("\r\nInspect: GET /api/dead-letters; retry: POST /api/dead-letters/{id}/retry\r\n");
        String message = "From: MailRoute <" + postmaster + ">\r\nTo: <" + postmaster + ">\r\nSubject: MailRoute digest: "
                + fresh.size() + " new dead letter(s)\r\nDate: " + MailDates.format(now) + "\r\nMessage-ID: " + MessageIds.create(heloName) + "\r\n"
                + "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + body;
        MessageAcceptor.Accepted a = acceptor.accept(new Submission("internal", message.getBytes(StandardCharsets.UTF_8), "", List.of(postmaster)));
        Files.createDirectories(lastDigestFile.getParent());
        Files.writeString(lastDigestFile, now.toString());
        LOG.info("postmaster digest id={} listing {} dead letter(s) queued for <{}>", a.queueId(), fresh.size(), postmaster);
        return fresh.size();
    }

    private Instant lastDigest() throws IOException {
        return Files.exists(lastDigestFile) ? Instant.parse(Files.readString(lastDigestFile).strip()) : Instant.EPOCH;
    }
}
