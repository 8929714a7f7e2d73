package com.mailroute.ingress;

import java.util.List;

/**
 * What a way in handed over: the raw bytes, and the envelope when the way in carried one
 * (x-sender/x-receiver lines, JMS properties, HTTP query parameters or JSON fields).
 * A null sender means "take it from the headers"; "" is the null reverse-path &lt;&gt;.
 */
public record Submission(String wayIn, byte[] raw, String sender, List<String> recipients) {

    public boolean hasExplicitRecipients() {
        return recipients != null && !recipients.isEmpty();
    }
}
