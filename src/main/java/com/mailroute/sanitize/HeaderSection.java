package com.mailroute.sanitize;

import com.mailroute.ingress.RejectedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header section of a message or MIME part, read from CRLF-normalized bytes and checked
 * strictly: anything a receiver might read differently is refused rather than guessed at.
 */
final class HeaderSection {
    private final List<HeaderField> fields;
    /** Whether an empty line separated the header section from a body (possibly empty). */
    private final boolean hasSeparator;
    /** Offset of the first body byte in the buffer that was parsed. */
    private final int bodyStart;

    private HeaderSection(List<HeaderField> fields, boolean hasSeparator, int bodyStart) {
        this.fields = fields;
        this.hasSeparator = hasSeparator;
        this.bodyStart = bodyStart;
    }

    /**
     * Parses the header lines of {@code buf[from, to)}, which holds CRLF-terminated lines.
     * {@code where} names the entity in error messages ("message header", "MIME part 2 header");
     * {@code firstLineNumber} is the message line number of {@code buf[from]}.
     */
    static HeaderSection parse(byte[] buf, int from, int to, String where, int firstLineNumber) {
        List<HeaderField> fields = new ArrayList<>();
        int fieldStart = -1;
        String fieldName = null;
        int fieldLine = 0;
        int lineNumber = firstLineNumber;
        int pos = from;
        while (pos < to) {
            int lf = lineEnd(buf, pos, to);
            int contentEnd = lf == to ? to : lf - 1; // before the CR of CRLF
            int next = lf == to ? to : lf + 1;
            if (contentEnd == pos) {
                if (fieldStart >= 0) {
                    fields.add(new HeaderField(fieldName, Arrays.copyOfRange(buf, fieldStart, pos), fieldLine));
                }
                return new HeaderSection(fields, true, next);
            }
            byte first = buf[pos];
            if (first == ' ' || first == '\t') {
                if (fieldStart < 0) {
                    throw reject(where, lineNumber, "begins with whitespace but there is no header field before it to continue");
                }
                if (isBlank(buf, pos, contentEnd)) {
                    throw reject(where, lineNumber, "consists only of whitespace, which receivers disagree about (end of header or continuation)");
                }
            } else {
                String name = fieldName(buf, pos, contentEnd, where, lineNumber);
                if (fieldStart >= 0) {
                    fields.add(new HeaderField(fieldName, Arrays.copyOfRange(buf, fieldStart, pos), fieldLine));
                }
                fieldStart = pos;
                fieldName = name;
                fieldLine = lineNumber;
            }
            lineNumber++;
            pos = next;
        }
        if (fieldStart >= 0) {
            byte[] raw = Arrays.copyOfRange(buf, fieldStart, to);
            if (!LongLineRepair.endsWithCrLf(raw, raw.length)) {
                // A part's range stops before the CRLF that belongs to the next boundary line.
                raw = Arrays.copyOf(raw, raw.length + 2);
                raw[raw.length - 2] = '\r';
                raw[raw.length - 1] = '\n';
            }
            fields.add(new HeaderField(fieldName, raw, fieldLine));
        }
        return new HeaderSection(fields, false, to);
    }

    private static String fieldName(byte[] buf, int start, int end, String where, int lineNumber) {
        int colon = -1;
        for (int i = start; i < end; i++) {
            if (buf[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            throw reject(where, lineNumber, "has no colon and is not a continuation line");
        }
        if (colon == start) {
            throw reject(where, lineNumber, "has an empty field name");
        }
        if (buf[colon - 1] == ' ' || buf[colon - 1] == '\t') {
            throw reject(where, lineNumber, "has whitespace between the field name and the colon (obsolete syntax receivers read differently)");
        }
        for (int i = start; i < colon; i++) {
            int b = buf[i] & 0xff;
            if (b < 33 || b > 126) {
                throw reject(where, lineNumber, String.format(
                        "has an illegal character 0x%02X in the field name (only printable US-ASCII except colon is allowed)", b));
            }
        }
        return new String(buf, start, colon - start, StandardCharsets.US_ASCII);
    }

    private static RejectedException reject(String where, int lineNumber, String problem) {
        return new RejectedException(where + " line " + lineNumber + " " + problem);
    }

    private static boolean isBlank(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Index of the LF ending the line that starts at {@code from}, or {@code to} if the range ends first. */
    static int lineEnd(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    List<HeaderField> fields() {
        return fields;
    }

    boolean hasSeparator() {
        return hasSeparator;
    }

    int bodyStart() {
        return bodyStart;
    }

    boolean has(String name) {
        return first(name) != null;
    }

    HeaderField first(String name) {
        for (HeaderField field : fields) {
            if (field.isNamed(name)) {
                return field;
            }
        }
        return null;
    }

    /** Removes every field with this name; returns how many were removed. */
    int removeAll(String name) {
        int before = fields.size();
        fields.removeIf(field -> field.isNamed(name));
        return before - fields.size();
    }

    void add(HeaderField field) {
        fields.add(field);
    }

    /** Replaces the first field with this name (dropping any others) or adds it at the end. */
    void set(HeaderField field) {
        int index = -1;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).isNamed(field.name())) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            fields.add(field);
            return;
        }
        fields.set(index, field);
        for (int i = fields.size() - 1; i > index; i--) {
            if (fields.get(i).isNamed(field.name())) {
                fields.remove(i);
            }
        }
    }

    void replace(int index, HeaderField field) {
        fields.set(index, field);
    }

    /** Writes the fields and, when there was one or a body follows, the empty separator line. */
    void writeTo(ByteArrayOutputStream out, boolean bodyFollows) {
        for (HeaderField field : fields) {
            out.writeBytes(field.raw());
        }
        if (hasSeparator || bodyFollows) {
            out.writeBytes(new byte[] {'\r', '\n'});
        }
    }
}
