package com.mailroute.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of a CRLF-clean message as byte ranges, in order, and where the body starts.
 * Lenient on purpose: the sanitizer has already refused what receivers would read differently, and
 * signing must never be the step that turns a message away.
 */
final class HeaderFields {

    /** One field: bytes [start, end) are the name, the colon, the value with its folding, and the final CRLF. */
    record Field(String name, int start, int end) {
        boolean isNamed(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    private final byte[] message;
    private final List<Field> fields;
    private final int bodyStart;
    private final boolean ended;

    private HeaderFields(byte[] message, List<Field> fields, int bodyStart, boolean ended) {
        this.message = message;
        this.fields = fields;
        this.bodyStart = bodyStart;
        this.ended = ended;
    }

    static HeaderFields parse(byte[] m) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        String name = null;
        int fieldStart = 0;
        while (pos < m.length) {
            int crlf = indexOfCrLf(m, pos);
            int lineEnd = crlf < 0 ? m.length : crlf;
            int next = crlf < 0 ? m.length : crlf + 2;
            if (lineEnd == pos) { // the empty line: the body follows
                if (name != null) {
                    fields.add(new Field(name, fieldStart, pos));
                }
                return new HeaderFields(m, fields, next, true);
            }
            if ((m[pos] != ' ' && m[pos] != '\t') || name == null) {
                if (name != null) {
                    fields.add(new Field(name, fieldStart, pos));
                }
                name = fieldName(m, pos, lineEnd);
                fieldStart = pos;
            }
            pos = next;
        }
        if (name != null) {
            fields.add(new Field(name, fieldStart, m.length));
        }
        return new HeaderFields(m, fields, m.length, false);
    }

    private static String fieldName(byte[] m, int from, int to) {
        int end = from;
        while (end < to && m[end] != ':') {
            end++;
        }
        return new String(m, from, end - from, StandardCharsets.ISO_8859_1).strip();
    }

    static int indexOfCrLf(byte[] m, int from) {
        for (int i = from; i < m.length - 1; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    List<Field> all() {
        return fields;
    }

    List<Field> named(String name) {
        return fields.stream().filter(f -> f.isNamed(name)).toList();
    }

    boolean has(String name) {
        return fields.stream().anyMatch(f -> f.isNamed(name));
    }

    int bodyStart() {
        return bodyStart;
    }

    /** True when the empty line that ends the header section was found (false: a message of header fields only, or a head cut short). */
    boolean ended() {
        return ended;
    }

    /** The field's value unfolded (line breaks removed), decoded as UTF-8 (raw 8-bit headers are UTF-8 when anything). */
    String unfoldedValue(Field f) {
        String raw = new String(message, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
        int colon = raw.indexOf(':');
        return (colon < 0 ? "" : raw.substring(colon + 1)).replace("\r\n", "").replace("\r", "").replace("\n", "").strip();
    }

    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
