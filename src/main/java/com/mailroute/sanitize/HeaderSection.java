package com.mailroute.sanitize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header section of a message or MIME part, read from CRLF-normalized bytes the way Postfix and
 * RFC 5322 parsers read it: the header section ends at the empty line, or at the first line that is
 * not a header field (no colon, an illegal character in the field name, a whitespace-only line, or a
 * continuation line with no field before it). There the empty line is inserted and the repair is
 * reported; that line and everything after it is the body.
 */
final class HeaderSection {
    /**
     * How much of a spooled (large) message or part is read into the heap for its header section. Real header
     * sections are under 64 KB; one that has not ended by this many bytes is ended after its last whole line
     * within them, as if the next line were not a header field (reported as header-end-inserted), so that the
     * heap never holds more than this of a header. Messages in the heap are parsed whole, without this bound.
     */
    static final int SPOOLED_HEADER_LIMIT = 1024 * 1024;

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
     * Parses the header lines of {@code buf[from, to)}, which holds CRLF-terminated lines; repairs are
     * counted in {@code report}.
     */
    static HeaderSection parse(byte[] buf, int from, int to, SanitizeReport report) {
        List<HeaderField> fields = new ArrayList<>();
        int fieldStart = -1;
        String fieldName = null;
        int pos = from;
        while (pos < to) {
            int lf = lineEnd(buf, pos, to);
            int contentEnd = lf == to ? to : lf - 1; // before the CR of CRLF
            int next = lf == to ? to : lf + 1;
            if (contentEnd == pos) {
                addField(fields, buf, fieldStart, pos, fieldName, report);
                return new HeaderSection(fields, true, next);
            }
            byte first = buf[pos];
            boolean continuation = (first == ' ' || first == '\t') && fieldStart >= 0;
            if (continuation && isBlank(buf, pos, contentEnd)) {
                // Whitespace-only: receivers disagree whether it continues the field or ends the section.
                // It ends it here, becoming the empty line itself.
                addField(fields, buf, fieldStart, pos, fieldName, report);
                report.add(SanitizeReport.HEADER_END_BLANK_LINE);
                return new HeaderSection(fields, true, next);
            }
            if (!continuation) {
                String name = fieldName(buf, pos, contentEnd);
                if (name == null) {
                    // Not a header field: the body starts here (RFC 5322 2.1, as Postfix reads it).
                    addField(fields, buf, fieldStart, pos, fieldName, report);
                    report.add(SanitizeReport.HEADER_END_INSERTED);
                    return new HeaderSection(fields, false, pos);
                }
                addField(fields, buf, fieldStart, pos, fieldName, report);
                fieldStart = pos;
                fieldName = name;
            }
            pos = next;
        }
        addField(fields, buf, fieldStart, to, fieldName, report);
        return new HeaderSection(fields, false, to);
    }

    /**
     * Parses the header lines of {@code buf[from, to)}: in place for a heap buffer, else (a mapped spool file) from
     * a copy of at most {@link #SPOOLED_HEADER_LIMIT} bytes. {@link #bodyStart()} is an index into {@code buf}.
     */
    static HeaderSection parse(java.nio.ByteBuffer buf, int from, int to, SanitizeReport report) {
        if (buf.hasArray() && buf.arrayOffset() == 0) {
            return parse(buf.array(), from, to, report);
        }
        int n = Math.min(to - from, SPOOLED_HEADER_LIMIT);
        byte[] head = new byte[n];
        buf.get(from, head, 0, n);
        HeaderSection parsed = parseHead(head, n < to - from, report);
        return new HeaderSection(parsed.fields, parsed.hasSeparator, from + parsed.bodyStart);
    }

    /**
     * Parses the header lines in {@code head}, the first bytes of a spooled message or part; {@code more} when it
     * continues past them. A header section still open at the last whole line of {@code head} ends there.
     */
    static HeaderSection parseHead(byte[] head, boolean more, SanitizeReport report) {
        int end = head.length;
        if (more) {
            end = 0;
            for (int i = head.length - 1; i >= 0; i--) {
                if (head[i] == '\n') {
                    end = i + 1;
                    break;
                }
            }
        }
        HeaderSection parsed = parse(head, 0, end, report);
        if (more && !parsed.hasSeparator && parsed.bodyStart == end) {
            report.add(SanitizeReport.HEADER_END_INSERTED);
        }
        return parsed;
    }

    private static void addField(List<HeaderField> fields, byte[] buf, int start, int end, String name,
            SanitizeReport report) {
        if (start < 0) {
            return;
        }
        byte[] raw = Arrays.copyOfRange(buf, start, end);
        if (raw[name.length()] != ':') {
            // "Subject : x" (obsolete syntax): the whitespace goes, so that no reader can take it for another field.
            int colon = name.length();
            while (raw[colon] != ':') {
                colon++;
            }
            byte[] joined = new byte[raw.length - (colon - name.length())];
            System.arraycopy(raw, 0, joined, 0, name.length());
            System.arraycopy(raw, colon, joined, name.length(), raw.length - colon);
            raw = joined;
            report.add(SanitizeReport.HEADER_NAME_WHITESPACE);
        }
        if (!LongLineRepair.endsWithCrLf(raw, raw.length)) {
            // A part's range stops before the CRLF that belongs to the next boundary line.
            raw = Arrays.copyOf(raw, raw.length + 2);
            raw[raw.length - 2] = '\r';
            raw[raw.length - 1] = '\n';
        }
        fields.add(new HeaderField(name, raw));
    }

    /**
     * The field name of a header line, or null when the line is not a header field: no colon, an empty
     * name, or a name with a character outside printable US-ASCII. Whitespace between the name and the
     * colon (RFC 5322 obs-optional) is allowed, as every reader allows it, and not part of the name.
     */
    static String fieldName(byte[] buf, int start, int end) {
        int colon = -1;
        for (int i = start; i < end; i++) {
            int b = buf[i] & 0xff;
            if (b == ':') {
                colon = i;
                break;
            }
            if (b < 33 || b > 126) {
                if (b != ' ' && b != '\t') {
                    return null;
                }
            }
        }
        if (colon < 0) {
            return null;
        }
        int nameEnd = colon;
        while (nameEnd > start && (buf[nameEnd - 1] == ' ' || buf[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        if (nameEnd == start) {
            return null;
        }
        for (int i = start; i < nameEnd; i++) {
            if (buf[i] == ' ' || buf[i] == '\t') {
                return null;
            }
        }
        return new String(buf, start, nameEnd - start, StandardCharsets.US_ASCII);
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

    /** The fields as they stand, each ending in CRLF, without the empty line. */
    byte[] fieldBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (HeaderField field : fields) {
            out.writeBytes(field.raw());
        }
        return out.toByteArray();
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

    /** As {@link #writeTo(ByteArrayOutputStream, boolean)}, to a repaired part's buffer. */
    void writeTo(BodyBuffer out, boolean bodyFollows) {
        for (HeaderField field : fields) {
            out.write(field.raw());
        }
        if (hasSeparator || bodyFollows) {
            out.write(new byte[] {'\r', '\n'});
        }
    }
}
