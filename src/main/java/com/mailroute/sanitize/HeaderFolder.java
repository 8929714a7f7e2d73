package com.mailroute.sanitize;

import com.mailroute.ingress.RejectedException;
import java.io.ByteArrayOutputStream;

/**
 * Folds header lines longer than 998 octets (RFC 5322 2.1.1) by inserting CRLF before whitespace,
 * which unfolding removes again, so the field's meaning is unchanged.
 */
final class HeaderFolder {
    static final int MAX_LINE = 998;

    private HeaderFolder() {}

    /** Folds every over-long field in place; returns the number of fields that were folded. */
    static int foldLongLines(HeaderSection headers, String where) {
        int folded = 0;
        for (int i = 0; i < headers.fields().size(); i++) {
            HeaderField field = headers.fields().get(i);
            if (hasLongLine(field.raw(), 0, field.raw().length)) {
                headers.replace(i, new HeaderField(field.name(), fold(field, where), field.lineNumber()));
                folded++;
            }
        }
        return folded;
    }

    static boolean hasLongLine(byte[] buf, int from, int to) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                if (i - 1 - lineStart > MAX_LINE) {
                    return true;
                }
                lineStart = i + 1;
            }
        }
        return to - lineStart > MAX_LINE;
    }

    private static byte[] fold(HeaderField field, String where) {
        byte[] raw = field.raw();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
        int lineStart = 0;
        while (lineStart < raw.length) {
            int lf = HeaderSection.lineEnd(raw, lineStart, raw.length);
            foldLine(raw, lineStart, lf - 1, out, field, where);
            out.write('\r');
            out.write('\n');
            lineStart = lf + 1;
        }
        return out.toByteArray();
    }

    /** Writes {@code raw[start, end)} (no CRLF) as one or more lines of at most 998 octets. */
    private static void foldLine(byte[] raw, int start, int end, ByteArrayOutputStream out, HeaderField field, String where) {
        while (end - start > MAX_LINE) {
            int firstText = start;
            while (firstText < end && (raw[firstText] == ' ' || raw[firstText] == '\t')) {
                firstText++;
            }
            // Fold at the last whitespace that keeps this line within the limit and not whitespace-only.
            int foldAt = -1;
            for (int i = start + MAX_LINE; i > firstText; i--) {
                if (raw[i] == ' ' || raw[i] == '\t') {
                    foldAt = i;
                    break;
                }
            }
            if (foldAt < 0) {
                throw new RejectedException(where + " field " + field.name() + " (line " + field.lineNumber()
                        + ") has a line longer than " + MAX_LINE + " octets with no whitespace to fold it at");
            }
            out.write(raw, start, foldAt - start);
            out.write('\r');
            out.write('\n');
            start = foldAt;
        }
        out.write(raw, start, end - start);
    }
}
