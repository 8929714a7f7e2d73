package com.mailroute.sanitize;

import com.mailroute.ingress.RejectedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Removes body lines longer than 998 octets by re-encoding only the MIME leaf parts that have them:
 * text as quoted-printable, everything else as base64 (Angus MimeUtility does the coding).
 * Multiparts and message/rfc822 are walked on bytes, and every byte outside a re-encoded part is
 * copied unchanged.
 */
final class LongLineRepair {
    static final String CTE = "Content-Transfer-Encoding";

    /** A repaired body; {@code newEncoding} is the entity's new transfer encoding, or null if unchanged. */
    record Repaired(byte[] body, String newEncoding) {}

    private LongLineRepair() {}

    /**
     * Repairs the body {@code buf[from, to)} of the entity described by {@code headers}, whose first
     * line is message line {@code firstLine}. Returns null when the body has no over-long line.
     */
    static Repaired repair(HeaderSection headers, byte[] buf, int from, int to, int firstLine,
            String defaultType, String where, SanitizeReport report) {
        if (!HeaderFolder.hasLongLine(buf, from, to)) {
            return null;
        }
        ContentType type = contentType(headers, defaultType);
        String encoding = transferEncoding(headers);
        boolean identity = encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
        if (identity && type.match("multipart/*")) {
            return new Repaired(repairMultipart(type, buf, from, to, firstLine, where, report), null);
        }
        if (identity && (type.match("message/rfc822") || type.match("message/global"))) {
            byte[] entity = repairEntity(buf, from, to, firstLine, "text/plain", where + " (enclosed message)", report);
            return new Repaired(entity, null);
        }
        return reencodeLeaf(type, encoding, buf, from, to, where, report);
    }

    private static Repaired reencodeLeaf(ContentType type, String encoding, byte[] buf, int from, int to,
            String where, SanitizeReport report) {
        String target = type.match("text/*") ? "quoted-printable" : "base64";
        byte[] decoded = decode(buf, from, to, encoding, where);
        ByteArrayOutputStream out = new ByteArrayOutputStream(decoded.length * 4 / 3 + 64);
        try (OutputStream encoder = MimeUtility.encode(out, target)) {
            encoder.write(decoded);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("Angus could not encode " + target, e);
        }
        byte[] encoded = out.toByteArray();
        if (target.equals("base64") && endsWithCrLf(encoded, encoded.length)) {
            // The CRLF before the next boundary (or the one the caller adds) ends the last line.
            encoded = Arrays.copyOf(encoded, encoded.length - 2);
        }
        report.add(SanitizeReport.LONG_LINES);
        return new Repaired(encoded, target);
    }

    private static byte[] decode(byte[] buf, int from, int to, String encoding, String where) {
        if (encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary")) {
            return Arrays.copyOfRange(buf, from, to);
        }
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(buf, from, to - from), encoding)) {
            return in.readAllBytes();
        } catch (MessagingException e) {
            throw new RejectedException(where + " has lines over 998 octets and an unknown "
                    + CTE + " '" + encoding + "', so it cannot be re-encoded");
        } catch (IOException e) {
            throw new RejectedException(where + " has lines over 998 octets and is not valid "
                    + encoding + " (" + e.getMessage() + "), so it cannot be re-encoded");
        }
    }

    private static byte[] repairMultipart(ContentType type, byte[] buf, int from, int to, int firstLine,
            String where, SanitizeReport report) {
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new RejectedException(where + " is " + type.getBaseType()
                    + " without a boundary parameter and has lines over 998 octets");
        }
        String partType = type.match("multipart/digest") ? "message/rfc822" : "text/plain";
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 1024);
        int copied = from;
        int partStart = -1;
        int partLine = 0;
        int partNumber = 0;
        int line = firstLine;
        int pos = from;
        boolean closed = false;
        while (pos < to) {
            int lf = HeaderSection.lineEnd(buf, pos, to);
            int next = lf == to ? to : lf + 1;
            int delimiter = delimiterKind(buf, pos, lf == to ? to : lf - 1, dashBoundary);
            if (delimiter != 0) {
                if (partStart < 0) {
                    requireNoLongLine(buf, from, pos, where + " preamble");
                } else {
                    // The CRLF before a delimiter line belongs to the delimiter, not to the part.
                    int partEnd = Math.max(partStart, pos - 2);
                    byte[] fixed = repairEntity(buf, partStart, partEnd, partLine, partType,
                            where + " part " + partNumber, report);
                    if (fixed != null) {
                        out.write(buf, copied, partStart - copied);
                        out.writeBytes(fixed);
                        copied = partEnd;
                    }
                }
                if (delimiter == 2) {
                    requireNoLongLine(buf, next, to, where + " epilogue");
                    closed = true;
                    break;
                }
                partNumber++;
                partStart = next;
                partLine = line + 1;
            }
            line++;
            pos = next;
        }
        if (partStart < 0) {
            throw new RejectedException(where + " is " + type.getBaseType() + " but has no boundary line \"--"
                    + boundary + "\" and has lines over 998 octets");
        }
        if (!closed) {
            // No close delimiter: the last part runs to the end (as mail readers treat it).
            int partEnd = endsWithCrLf(buf, to) && to - 2 >= partStart ? to - 2 : to;
            byte[] fixed = repairEntity(buf, partStart, partEnd, partLine, partType, where + " part " + partNumber, report);
            if (fixed != null) {
                out.write(buf, copied, partStart - copied);
                out.writeBytes(fixed);
                copied = partEnd;
            }
        }
        out.write(buf, copied, to - copied);
        return out.toByteArray();
    }

    /**
     * Repairs one entity (a body part or an enclosed message: header section plus body) in {@code buf[from, to)};
     * returns its new bytes, or null if it needed nothing.
     */
    private static byte[] repairEntity(byte[] buf, int from, int to, int firstLine, String defaultType,
            String where, SanitizeReport report) {
        if (!HeaderFolder.hasLongLine(buf, from, to)) {
            return null;
        }
        HeaderSection headers = HeaderSection.parse(buf, from, to, where + " header", firstLine);
        int folded = HeaderFolder.foldLongLines(headers, where + " header");
        report.add(SanitizeReport.FOLDED_HEADERS, folded);
        int bodyLine = firstLine + countLines(buf, from, headers.bodyStart());
        Repaired body = repair(headers, buf, headers.bodyStart(), to, bodyLine, defaultType, where, report);
        if (body != null && body.newEncoding() != null) {
            headers.set(HeaderField.of(CTE, body.newEncoding()));
        }
        byte[] bodyBytes = body != null ? body.body() : Arrays.copyOfRange(buf, headers.bodyStart(), to);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bodyBytes.length + 1024);
        headers.writeTo(out, bodyBytes.length > 0);
        out.writeBytes(bodyBytes);
        return out.toByteArray();
    }

    static ContentType contentType(HeaderSection headers, String defaultType) {
        HeaderField field = headers.first("Content-Type");
        try {
            return new ContentType(field == null ? defaultType : field.unfoldedValue());
        } catch (ParseException e) {
            // RFC 2045 5.2: a Content-Type that cannot be parsed means text/plain.
            return new ContentType("text", "plain", null);
        }
    }

    private static String transferEncoding(HeaderSection headers) {
        HeaderField field = headers.first(CTE);
        return field == null ? "7bit" : field.unfoldedValue().toLowerCase(Locale.ROOT);
    }

    /** 0: not a delimiter line; 1: a delimiter; 2: the close delimiter. Trailing whitespace is transport padding. */
    private static int delimiterKind(byte[] buf, int start, int end, byte[] dashBoundary) {
        if (end - start < dashBoundary.length) {
            return 0;
        }
        for (int i = 0; i < dashBoundary.length; i++) {
            if (buf[start + i] != dashBoundary[i]) {
                return 0;
            }
        }
        int i = start + dashBoundary.length;
        int kind = 1;
        if (end - i >= 2 && buf[i] == '-' && buf[i + 1] == '-') {
            kind = 2;
            i += 2;
        }
        for (; i < end; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return 0;
            }
        }
        return kind;
    }

    private static void requireNoLongLine(byte[] buf, int from, int to, String where) {
        if (HeaderFolder.hasLongLine(buf, from, to)) {
            throw new RejectedException(where + " has a line over 998 octets; it belongs to no part, so it cannot be re-encoded");
        }
    }

    private static int countLines(byte[] buf, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }

    static boolean endsWithCrLf(byte[] buf, int end) {
        return end >= 2 && buf[end - 2] == '\r' && buf[end - 1] == '\n';
    }
}
