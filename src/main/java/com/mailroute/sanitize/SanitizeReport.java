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
    /** An mbox "From " separator line before the message proper was removed. */
    public static final String MBOX_FROM = "mbox-from-removed";
    /** A line that is not a header field ended a header section: the empty line was inserted before it. */
    public static final String HEADER_END_INSERTED = "header-end-inserted";
    /** A whitespace-only line ended a header section and became the empty line. */
    public static final String HEADER_END_BLANK_LINE = "header-end-whitespace-line";
    /** Whitespace between a field name and its colon was removed. */
    public static final String HEADER_NAME_WHITESPACE = "header-name-whitespace";
    /** A text field (Subject, ...) with a run over 998 octets was RFC 2047-encoded. */
    public static final String HEADER_ENCODED = "header-encoded";
    /** A structured field with a run over 998 octets was split with CRLF SP. */
    public static final String HEADER_SPLIT = "header-split";
    /** Base64 lines over 998 octets were re-wrapped to 76 characters (the decoded data is unchanged). */
    public static final String BASE64_REWRAPPED = "base64-rewrapped";
    /** Preamble or epilogue lines (never shown by readers) over 998 octets were split. */
    public static final String PREAMBLE_REWRAPPED = "preamble-rewrapped";
    /** A part with long lines that did not decode as declared was base64-encoded from its raw bytes. */
    public static final String UNDECODABLE_PART = "undecodable-part-reencoded";
    /** A multipart with long lines but no usable boundary was relabelled text/plain. */
    public static final String BROKEN_MULTIPART = "broken-multipart-as-text";

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
