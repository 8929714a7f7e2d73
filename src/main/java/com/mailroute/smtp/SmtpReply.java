package com.mailroute.smtp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server reply exactly as received: the three-digit code, the RFC 3463 enhanced status
 * (read from the reply when present, else empty) and the full text with every line of a
 * multi-line reply, CRLF-joined, code prefixes included.
 */
public record SmtpReply(int code, String enhancedStatus, String text) {

    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    /** Builds a reply from the raw text a server sent (one or more lines). */
    public static SmtpReply parse(String raw) {
        String text = raw == null ? "" : raw.strip();
        int code = 0;
        if (text.length() >= 3 && Character.isDigit(text.charAt(0)) && Character.isDigit(text.charAt(1)) && Character.isDigit(text.charAt(2))) {
            code = Integer.parseInt(text.substring(0, 3));
        }
        Matcher m = ENHANCED.matcher(text);
        return new SmtpReply(code, m.find() ? m.group(1) : "", text);
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isPermanent() {
        return code >= 500;
    }
}
