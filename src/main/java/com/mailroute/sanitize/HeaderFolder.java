package com.mailroute.sanitize;


import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Makes header lines at most 998 octets (RFC 5322 2.1.1). A long line is folded before whitespace,
 * which unfolding removes again, so the field's meaning is unchanged. A run of more than 998 octets
 * without whitespace cannot be folded: in a field of human text it is RFC 2047-encoded (encoded words
 * can be folded, and decode to the same text); in any other field it is split by inserting CRLF SP,
 * as Postfix does when it sends such a line.
 */
final class HeaderFolder {
    static final int MAX_LINE = 998;
    /** Fields whose whole value is unstructured text, where RFC 2047 encoded words are allowed. */
    private static final Set<String> TEXT_FIELDS = Set.of("subject", "comments", "content-description", "thread-topic");
    /** 45 octets become 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" stays within RFC 2047's 75. */
    private static final int OCTETS_PER_WORD = 45;

    private HeaderFolder() {}

    /** Folds every over-long field in place; returns the number of fields that were folded. */
    static int foldLongLines(HeaderSection headers, SanitizeReport report) {
        int folded = 0;
        for (int i = 0; i < headers.fields().size(); i++) {
            HeaderField field = headers.fields().get(i);
            if (hasLongLine(field.raw(), 0, field.raw().length)) {
                headers.replace(i, new HeaderField(field.name(), repair(field, report)));
                folded++;
            }
        }
        return folded;
    }

    static boolean hasLongLine(byte[] buf, int from, int to) {
        // A line is too long when its LF comes more than MAX_LINE + 1 bytes after its start (CR not counted). So from
        // each line start, the last LF within that reach is looked for backwards: every line up to it is short, and
        // the search jumps ahead by nearly 1,000 bytes instead of visiting every line.
        int lineStart = from;
        while (to - lineStart > MAX_LINE) {
            int reach = Math.min(to, lineStart + MAX_LINE + 2);
            int lf = reach - 1;
            while (lf >= lineStart && buf[lf] != '\n') {
                lf--;
            }
            if (lf < lineStart) {
                return true;   // no line end within reach, and more than MAX_LINE bytes left
            }
            lineStart = lf + 1;
        }
        return false;
    }

    private static byte[] repair(HeaderField field, SanitizeReport report) {
        if (!canFold(field.raw()) && TEXT_FIELDS.contains(field.name().toLowerCase(Locale.ROOT))) {
            byte[] value = unfoldedValue(field.raw(), field.name().length() + 1);
            if (!containsEncodedWord(value)) {
                report.add(SanitizeReport.HEADER_ENCODED);
                return encode(field.name(), value);
            }
        }
        byte[] raw = field.raw();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
        int lineStart = 0;
        int splits = 0;
        while (lineStart < raw.length) {
            int lf = HeaderSection.lineEnd(raw, lineStart, raw.length);
            splits += foldLine(raw, lineStart, lf - 1, out);
            out.write('\r');
            out.write('\n');
            lineStart = lf + 1;
        }
        report.add(SanitizeReport.HEADER_SPLIT, splits > 0 ? 1 : 0);
        return out.toByteArray();
    }

    /** True when every line can be brought within the limit by folding at whitespace alone. */
    private static boolean canFold(byte[] raw) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(raw.length + 64);
        int lineStart = 0;
        while (lineStart < raw.length) {
            int lf = HeaderSection.lineEnd(raw, lineStart, raw.length);
            if (foldLine(raw, lineStart, lf - 1, sink) > 0) {
                return false;
            }
            lineStart = lf + 1;
        }
        return true;
    }

    /**
     * Writes {@code raw[start, end)} (no CRLF) as lines of at most 998 octets, folding at whitespace where
     * it can and splitting where it cannot; returns the number of splits.
     */
    private static int foldLine(byte[] raw, int start, int end, ByteArrayOutputStream out) {
        int splits = 0;
        int extra = 0; // the SP a split puts before the rest
        while (end - start + extra > MAX_LINE) {
            int limit = MAX_LINE - extra;
            int firstText = start;
            while (firstText < end && (raw[firstText] == ' ' || raw[firstText] == '\t')) {
                firstText++;
            }
            // Fold at the last whitespace that keeps this line within the limit and not whitespace-only.
            int foldAt = -1;
            for (int i = start + limit; i > firstText; i--) {
                if (raw[i] == ' ' || raw[i] == '\t') {
                    foldAt = i;
                    break;
                }
            }
            out.write(raw, start, (foldAt < 0 ? start + limit : foldAt) - start);
            out.write('\r');
            out.write('\n');
            if (foldAt < 0) {
                out.write(' ');
                start += limit;
                extra = 1;
                splits++;
            } else {
                start = foldAt;
                extra = 0;
            }
        }
        out.write(raw, start, end - start);
        return splits;
    }

    /** The field body with its line breaks removed and leading/trailing whitespace trimmed. */
    private static byte[] unfoldedValue(byte[] raw, int afterColon) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = afterColon; i < raw.length; i++) {
            if (raw[i] != '\r' && raw[i] != '\n') {
                out.write(raw[i]);
            }
        }
        byte[] value = out.toByteArray();
        int from = 0;
        int to = value.length;
        while (from < to && (value[from] == ' ' || value[from] == '\t')) {
            from++;
        }
        while (to > from && (value[to - 1] == ' ' || value[to - 1] == '\t')) {
            to--;
        }
        return java.util.Arrays.copyOfRange(value, from, to);
    }

    private static boolean containsEncodedWord(byte[] value) {
        for (int i = 0; i + 1 < value.length; i++) {
            if (value[i] == '=' && value[i + 1] == '?') {
                return true;
            }
        }
        return false;
    }

    /** "Name: =?UTF-8?B?...?=" words, one per line, that decode to exactly {@code value}. */
    private static byte[] encode(String name, byte[] value) {
        boolean utf8 = isUtf8(value);
        String prefix = utf8 ? "=?UTF-8?B?" : "=?ISO-8859-1?B?";
        StringBuilder field = new StringBuilder(name).append(':');
        int pos = 0;
        while (pos < value.length) {
            int end = Math.min(value.length, pos + OCTETS_PER_WORD);
            // A character's UTF-8 octets must stay in one encoded word (RFC 2047 section 5).
            while (utf8 && end < value.length && end > pos + 1 && (value[end] & 0xC0) == 0x80) {
                end--;
            }
            byte[] chunk = java.util.Arrays.copyOfRange(value, pos, end);
            field.append(pos == 0 ? " " : "\r\n ").append(prefix)
                    .append(Base64.getEncoder().encodeToString(chunk)).append("?=");
            pos = end;
        }
        return field.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
