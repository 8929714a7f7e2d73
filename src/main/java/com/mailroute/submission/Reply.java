package com.mailroute.submission;

import java.util.regex.Pattern;

/** One SMTP reply line with its RFC 3463 enhanced status code: {@code 250 2.0.0 Ok: queued as 1A2B}. */
public record Reply(int code, String status, String text) {
    private static final int MAX_TEXT = 400;
    // compiled once: a reply is made for every command of every session
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\t]+");
    private static final Pattern NOT_PRINTABLE = Pattern.compile("[^\\x20-\\x7E]");
    private static final Pattern CODE = Pattern.compile("\\d{3}");

    public Reply {
        if (code < 200 || code > 599 || !STATUS.matcher(status).matches() || status.charAt(0) - '0' != code / 100) {
            throw new IllegalArgumentException("not a reply: " + code + " " + status);
        }
        // A reason from elsewhere (an exception message) must not break the reply into lines.
        String flat = NOT_PRINTABLE.matcher(LINE_BREAKS.matcher(text).replaceAll(" ")).replaceAll("?").strip();
        text = flat.length() > MAX_TEXT ? flat.substring(0, MAX_TEXT) + "..." : flat;
    }

    /** Parses "451 4.3.0 text", as a route step writes it into the SmtpReply header. */
    public static Reply parse(String line) {
        String[] p = line.strip().split(" ", 3);
        if (p.length < 2 || !CODE.matcher(p[0]).matches()) {
            throw new IllegalArgumentException("not a reply: " + line);
        }
        return new Reply(Integer.parseInt(p[0]), p[1], p.length > 2 ? p[2] : "");
    }

    public boolean positive() {
        return code < 400;
    }

    @Override
    public String toString() {
        return text.isEmpty() ? code + " " + status : code + " " + status + " " + text;
    }
}
