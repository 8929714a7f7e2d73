package com.mailroute.sanitize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Counts of each kind of repair made to one message; the added Received header is not a repair. */
public final class SanitizeReport {
    public static final String BARE_LF = "bare-lf";
    public static final String BARE_CR = "bare-cr";
    public static final String CRCRLF = "crcrlf";
    public static final String NUL = "nul";
    /** The last line had no line end; one CRLF was added. */
    public static final String FINAL_CRLF = "final-crlf-added";
    /** Parts (or the single-part body) re-encoded because of lines over 998 octets. */
    public static final String LONG_LINES = "long-lines";
    public static final String FOLDED_HEADERS = "folded-headers";
    public static final String DATE_ADDED = "date-added";
    public static final String MESSAGE_ID_ADDED = "message-id-added";
    public static final String BCC_REMOVED = "bcc-removed";

    private final Map<String, Integer> counts = new LinkedHashMap<>();

    void add(String fix, int n) {
        if (n > 0) {
            counts.merge(fix, n, Integer::sum);
        }
    }

    void add(String fix) {
        add(fix, 1);
    }

    public int count(String fix) {
        return counts.getOrDefault(fix, 0);
    }

    public Map<String, Integer> counts() {
        return Collections.unmodifiableMap(counts);
    }

    public boolean isClean() {
        return counts.isEmpty();
    }

    @Override
    public String toString() {
        if (counts.isEmpty()) {
            return "clean";
        }
        StringJoiner joiner = new StringJoiner(" ");
        counts.forEach((fix, n) -> joiner.add(fix + "=" + n));
        return joiner.toString();
    }
}
