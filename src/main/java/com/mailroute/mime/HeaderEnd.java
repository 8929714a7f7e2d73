package com.mailroute.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimePart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * Angus keeps a header line that is not a header field (no colon, a name with a space or an 8-bit byte) as a
 * header. When such a line holds 8-bit bytes it cannot be made 7-bit as a header; the sanitizer's rule
 * applies instead: the header section ends before the first line that is not a field, and that line and the
 * rest become the start of the body, which is then converted like any body.
 */
final class HeaderEnd {

    private HeaderEnd() {
    }

    /**
     * The entity's bytes with the empty line put before its first non-field header line, or null when it has
     * none or nothing from there on holds 8-bit bytes.
     */
    static byte[] repaired(MimePart part) throws MessagingException, IOException {
        List<String> lines = Collections.list(part.getAllHeaderLines());
        int first = firstToMove(lines);
        if (first < 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHeader(lines, first, out);
        out.writeBytes(Entities.rawBody(part));
        return out.toByteArray();
    }

    /** The index of the first non-field header line when it or a later one holds 8-bit bytes, else -1. */
    static int firstToMove(List<String> lines) {
        int first = -1;
        boolean eightBit = false;
        for (int i = 0; i < lines.size(); i++) {
            if (first < 0 && !isField(lines.get(i))) {
                first = i;
            }
            if (first >= 0 && Entities.hasEightBit(lines.get(i))) {
                eightBit = true;
            }
        }
        return first < 0 || !eightBit ? -1 : first;
    }

    /** The header lines with the empty line put before line {@code first}, then the empty line that ends them. */
    static void writeHeader(List<String> lines, int first, OutputStream out) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            if (i == first) {
                out.write(CRLF);
            }
            out.write(lines.get(i).getBytes(StandardCharsets.ISO_8859_1));
            out.write(CRLF);
        }
        out.write(CRLF);
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** A field name (printable US-ASCII, no space; whitespace before the colon allowed) followed by a colon. */
    static boolean isField(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        int end = colon;
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }
}
