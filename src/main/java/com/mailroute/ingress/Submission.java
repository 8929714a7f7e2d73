package com.mailroute.ingress;

import java.util.List;

import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.spool.MessageBytes;

/**
 * What a way in handed over: the raw bytes, and the envelope when the way in carried one
 * (x-sender/x-receiver lines, JMS properties, HTTP query parameters or JSON fields, SMTP MAIL/RCPT).
 * A null sender means "take it from the headers"; "" is the null reverse-path &lt;&gt;.
 * {@code origin} (SMTP only, else null) names the client in the Received field; {@code client} describes it in the log.
 */
public record Submission(String wayIn, MessageBytes raw, String sender, List<String> recipients, MessageSanitizer.Origin origin, String client) {

    public Submission(String wayIn, MessageBytes raw, String sender, List<String> recipients) {
        this(wayIn, raw, sender, recipients, null, null);
    }

    /** A message built in the heap (JSON submissions, DSNs, digests). */
    public Submission(String wayIn, byte[] raw, String sender, List<String> recipients) {
        this(wayIn, MessageBytes.of(raw), sender, recipients, null, null);
    }

    public boolean hasExplicitRecipients() {
        return recipients != null && !recipients.isEmpty();
    }
}
