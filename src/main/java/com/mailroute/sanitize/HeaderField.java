package com.mailroute.sanitize;

import java.nio.charset.StandardCharsets;

/** One header field as the sender wrote it: its name and all its physical lines, each ending in CRLF. */
record HeaderField(String name, byte[] raw) {

    static HeaderField of(String name, String value) {
        return new HeaderField(name, (name + ": " + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    boolean isNamed(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** The field body unfolded (line breaks removed) and trimmed, read as ISO-8859-1. */
    String unfoldedValue() {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        return text.substring(text.indexOf(':') + 1).replace("\r\n", "").trim();
    }
}
