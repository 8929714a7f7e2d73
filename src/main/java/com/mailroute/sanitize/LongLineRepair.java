package com.mailroute.sanitize;

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
 * text as quoted-printable, everything else as base64 (Angus MimeUtility does the coding); base64
 * that is only wrapped too wide is re-wrapped without decoding. Multiparts and message/rfc822 are
 * walked on bytes, and every byte outside a repaired part is copied unchanged. Nothing here refuses:
 * a part that does not decode as declared is base64-encoded from its raw bytes, a multipart without a
 * usable boundary becomes text, long preamble and epilogue lines (which no reader shows) are split.
 */
final class LongLineRepair {
    static final String CTE = "Content-Transfer-Encoding";
    /** Deeper nesting is not walked but re-encoded whole: no real mail needs it, and recursion has limits. */
    private static final int MAX_DEPTH = 50;
    private static final int BASE64_LINE = 76;

    /**
     * A repaired body; {@code newEncoding} is the entity's new transfer encoding and {@code newType} its new
     * content type, each null if unchanged.
     */
    record Repaired(byte[] body, String newEncoding, String newType) {}

    private LongLineRepair() {}

    /**
     * Repairs the body {@code buf[from, to)} of the entity described by {@code headers}.
     * Returns null when the body has no over-long line.
     */
    static Repaired repair(HeaderSection headers, byte[] buf, int from, int to, String defaultType, SanitizeReport report) {
        return repair(headers, buf, from, to, defaultType, report, 0);
    }

    private static Repaired repair(HeaderSection headers, byte[] buf, int from, int to, String defaultType,
            SanitizeReport report, int depth) {
        if (!HeaderFolder.hasLongLine(buf, from, to)) {
            return null;
        }
        ContentType type = contentType(headers, defaultType);
        String encoding = transferEncoding(headers);
        boolean identity = encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
        if (identity && type.match("multipart/*")) {
            byte[] body = depth < MAX_DEPTH ? repairMultipart(type, buf, from, to, report, depth) : null;
            if (body == null) {
                // No boundary to walk by: readers show such a body as text, so it becomes text.
                report.add(SanitizeReport.BROKEN_MULTIPART);
                return reencodeLeaf(new ContentType("text", "plain", null), encoding, buf, from, to, report, "text/plain");
            }
            return new Repaired(body, null, null);
        }
        if (identity && depth < MAX_DEPTH && (type.match("message/rfc822") || type.match("message/global"))) {
            byte[] entity = repairEntity(buf, from, to, "text/plain", report, depth + 1);
            return new Repaired(entity, null, null);
        }
        if (encoding.equals("base64")) {
            report.add(SanitizeReport.BASE64_REWRAPPED);
            return new Repaired(rewrapBase64(buf, from, to), null, null);
        }
        return reencodeLeaf(type, encoding, buf, from, to, report, null);
    }

    private static Repaired reencodeLeaf(ContentType type, String encoding, byte[] buf, int from, int to,
            SanitizeReport report, String newType) {
        byte[] decoded = decode(buf, from, to, encoding);
        String target = type.match("text/*") ? "quoted-printable" : "base64";
        if (decoded == null) {
            report.add(SanitizeReport.UNDECODABLE_PART);
            decoded = Arrays.copyOfRange(buf, from, to);
            target = "base64";
        }
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
        return new Repaired(encoded, target, newType);
    }

    /** The decoded body, or null when it does not decode as declared (or the encoding is unknown). */
    private static byte[] decode(byte[] buf, int from, int to, String encoding) {
        if (encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary")) {
            return Arrays.copyOfRange(buf, from, to);
        }
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(buf, from, to - from), encoding)) {
            return in.readAllBytes();
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    /** Base64 decoders ignore line breaks (RFC 2045 6.8), so splitting long lines leaves the data as it was. */
    private static byte[] rewrapBase64(byte[] buf, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + (to - from) / 38 + 2);
        int pos = from;
        while (pos < to) {
            int lf = HeaderSection.lineEnd(buf, pos, to);
            int end = lf == to ? to : lf - 1;
            if (end - pos > HeaderFolder.MAX_LINE) {
                for (int i = pos; i < end; i += BASE64_LINE) {
                    out.write(buf, i, Math.min(BASE64_LINE, end - i));
                    if (i + BASE64_LINE < end) {
                        out.write('\r');
                        out.write('\n');
                    }
                }
                out.write(buf, end, (lf == to ? to : lf + 1) - end);
            } else {
                out.write(buf, pos, (lf == to ? to : lf + 1) - pos);
            }
            pos = lf == to ? to : lf + 1;
        }
        return out.toByteArray();
    }

    /** The multipart body with its parts repaired, or null when it has no boundary to walk by. */
    private static byte[] repairMultipart(ContentType type, byte[] buf, int from, int to, SanitizeReport report, int depth) {
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            return null;
        }
        String partType = type.match("multipart/digest") ? "message/rfc822" : "text/plain";
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 1024);
        int copied = from;
        int partStart = -1;
        int pos = from;
        boolean closed = false;
        while (pos < to) {
            int lf = HeaderSection.lineEnd(buf, pos, to);
            int next = lf == to ? to : lf + 1;
            int delimiter = delimiterKind(buf, pos, lf == to ? to : lf - 1, dashBoundary);
            if (delimiter != 0) {
                if (partStart < 0) {
                    if (HeaderFolder.hasLongLine(buf, from, pos)) {
                        out.writeBytes(splitLongLines(buf, from, pos, dashBoundary));
                        copied = pos;
                        report.add(SanitizeReport.PREAMBLE_REWRAPPED);
                    }
                } else {
                    // The CRLF before a delimiter line belongs to the delimiter, not to the part.
                    int partEnd = Math.max(partStart, pos - 2);
                    byte[] fixed = repairEntity(buf, partStart, partEnd, partType, report, depth + 1);
                    if (fixed != null) {
                        out.write(buf, copied, partStart - copied);
                        out.writeBytes(fixed);
                        copied = partEnd;
                    }
                }
                if (delimiter == 2) {
                    if (HeaderFolder.hasLongLine(buf, next, to)) {
                        out.write(buf, copied, next - copied);
                        out.writeBytes(splitLongLines(buf, next, to, dashBoundary));
                        copied = to;
                        report.add(SanitizeReport.PREAMBLE_REWRAPPED);
                    }
                    closed = true;
                    break;
                }
                partStart = next;
            }
            pos = next;
        }
        if (partStart < 0) {
            return null;
        }
        if (!closed) {
            // No close delimiter: the last part runs to the end (as mail readers treat it).
            int partEnd = endsWithCrLf(buf, to) && to - 2 >= partStart ? to - 2 : to;
            byte[] fixed = repairEntity(buf, partStart, partEnd, partType, report, depth + 1);
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
    private static byte[] repairEntity(byte[] buf, int from, int to, String defaultType, SanitizeReport report, int depth) {
        if (!HeaderFolder.hasLongLine(buf, from, to)) {
            return null;
        }
        HeaderSection headers = HeaderSection.parse(buf, from, to, report);
        report.add(SanitizeReport.FOLDED_HEADERS, HeaderFolder.foldLongLines(headers, report));
        Repaired body = repair(headers, buf, headers.bodyStart(), to, defaultType, report, depth);
        if (body != null) {
            relabel(headers, body);
        }
        byte[] bodyBytes = body != null ? body.body() : Arrays.copyOfRange(buf, headers.bodyStart(), to);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bodyBytes.length + 1024);
        headers.writeTo(out, bodyBytes.length > 0);
        out.writeBytes(bodyBytes);
        return out.toByteArray();
    }

    /** Puts a repaired body's new content type and transfer encoding into its entity's header. */
    static void relabel(HeaderSection headers, Repaired body) {
        if (body.newType() != null) {
            headers.set(HeaderField.of("Content-Type", body.newType()));
        }
        if (body.newEncoding() != null) {
            headers.set(HeaderField.of(CTE, body.newEncoding()));
        }
    }

    static ContentType contentType(HeaderSection headers, String defaultType) {
        HeaderField field = headers.first("Content-Type");
        try {
            return new ContentType(field == null ? defaultType : field.unfoldedValue());
        } catch (ParseException | RuntimeException e) {
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

    /**
     * Preamble and epilogue are not content (RFC 2046 5.1.1: readers ignore them): lines over 998 octets are
     * split, never so that a new line starts with the boundary.
     */
    private static byte[] splitLongLines(byte[] buf, int from, int to, byte[] dashBoundary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 64);
        int pos = from;
        while (pos < to) {
            int lf = HeaderSection.lineEnd(buf, pos, to);
            int end = lf == to ? to : lf - 1;
            int start = pos;
            while (end - start > HeaderFolder.MAX_LINE) {
                int cut = start + HeaderFolder.MAX_LINE;
                while (cut > start + 1 && startsWith(buf, cut, end, dashBoundary)) {
                    cut--;
                }
                out.write(buf, start, cut - start);
                out.write('\r');
                out.write('\n');
                start = cut;
            }
            int next = lf == to ? to : lf + 1;
            out.write(buf, start, next - start);
            pos = next;
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] buf, int at, int end, byte[] prefix) {
        if (end - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean endsWithCrLf(byte[] buf, int end) {
        return end >= 2 && buf[end - 2] == '\r' && buf[end - 1] == '\n';
    }
}
