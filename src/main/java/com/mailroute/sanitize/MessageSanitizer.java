package com.mailroute.sanitize;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Placeholder until the sanitize branch lands: prepends the trace header only. */
public final class MessageSanitizer {
    private final String heloName;

    public MessageSanitizer(String heloName, Clock clock) {
        this.heloName = heloName;
    }

    public SanitizedMessage sanitize(byte[] raw, String wayIn, String queueId) {
        byte[] trace = ("Received: from " + wayIn + " by " + heloName + " (MailRoute) with " + wayIn + " id " + queueId + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[trace.length + raw.length];
        System.arraycopy(trace, 0, out, 0, trace.length);
        System.arraycopy(raw, 0, out, trace.length, raw.length);
        return new SanitizedMessage(out, new SanitizeReport());
    }
}
