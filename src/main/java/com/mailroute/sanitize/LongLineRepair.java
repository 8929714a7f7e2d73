package com.mailroute.sanitize;

import com.mailroute.spool.MessageBytes;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Removes body lines longer than 998 octets by re-encoding only the MIME leaf parts that have them:
 * text as quoted-printable, everything else as base64 (Angus MimeUtility does the coding); base64
 * that is only wrapped too wide is re-wrapped without decoding. Multiparts and message/rfc822 are
 * walked on bytes, and every byte outside a repaired part is copied unchanged. Nothing here refuses:
 * a part that does not decode as declared is base64-encoded from its raw bytes, a multipart without a
 * usable boundary becomes text, long preamble and epilogue lines (which no reader shows) are split.
 *
 * <p>The message is read from a {@link ByteBuffer}: a heap array for a small message, a mapped spool
 * file for a large one; repaired parts go to {@link BodyBuffer}s of the matching kind (a spool sink
 * for a large message), and parts are decoded and encoded as streams. A large message is so repaired
 * part by part, exactly as a small one, holding in the heap only header sections (each bounded by
 * {@link HeaderSection#SPOOLED_HEADER_LIMIT}) and buffers, never a part or the message whole.
 */
final class LongLineRepair {
    static final String CTE = "Content-Transfer-Encoding";
    /** Deeper nesting is not walked but re-encoded whole: no real mail needs it, and recursion has limits. */
    private static final int MAX_DEPTH = 50;
    private static final int BASE64_LINE = 76;
    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * A repaired body; {@code newEncoding} is the entity's new transfer encoding and {@code newType} its new
     * content type, each null if unchanged. A spooled body is the caller's to release.
     */
    record Repaired(MessageBytes body, String newEncoding, String newType) {}

    private final ByteBuffer buf;
    private final BodyBuffer.Factory bodies;
    private final SanitizeReport report;

    /** @param buf the whole (CRLF-normalized) message; its indices are the offsets used below */
    LongLineRepair(ByteBuffer buf, BodyBuffer.Factory bodies, SanitizeReport report) {
        this.buf = buf;
        this.bodies = bodies;
        this.report = report;
    }

    /**
     * Repairs the body {@code [from, to)} of the entity described by {@code headers}.
     * Returns null when the body has no over-long line.
     */
    Repaired repair(HeaderSection headers, int from, int to, String defaultType) {
        return repair(headers, from, to, defaultType, 0);
    }

    private Repaired repair(HeaderSection headers, int from, int to, String defaultType, int depth) {
        if (!hasLongLine(from, to)) {
            return null;
        }
        ContentType type = contentType(headers, defaultType);
        String encoding = transferEncoding(headers);
        boolean identity = encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
        if (identity && type.match("multipart/*")) {
            MessageBytes body = depth < MAX_DEPTH ? repairMultipart(type, from, to, depth) : null;
            if (body == null) {
                // No boundary to walk by: readers show such a body as text, so it becomes text.
                report.add(SanitizeReport.BROKEN_MULTIPART);
                return reencodeLeaf(new ContentType("text", "plain", null), encoding, from, to, "text/plain");
            }
            return new Repaired(body, null, null);
        }
        if (identity && depth < MAX_DEPTH && (type.match("message/rfc822") || type.match("message/global"))) {
            MessageBytes entity = repairEntity(from, to, "text/plain", depth + 1);
            return new Repaired(entity, null, null);
        }
        if (encoding.equals("base64")) {
            report.add(SanitizeReport.BASE64_REWRAPPED);
            return new Repaired(rewrapBase64(from, to), null, null);
        }
        return reencodeLeaf(type, encoding, from, to, null);
    }

    private Repaired reencodeLeaf(ContentType type, String encoding, int from, int to, String newType) {
        String target = type.match("text/*") ? "quoted-printable" : "base64";
        boolean decodable = decodes(from, to, encoding);
        if (!decodable) {
            report.add(SanitizeReport.UNDECODABLE_PART);
            target = "base64";
        }
        BodyBuffer out = bodies.create((to - from) * 4 / 3 + 64);
        try (out) {
            // The CRLF before the next boundary (or the one the caller adds) ends base64's last line.
            OutputStream sink = new EncoderSink(out, target.equals("base64"));
            try (OutputStream encoder = MimeUtility.encode(sink, target);
                    InputStream in = decodable ? decoded(from, to, encoding) : ByteBufferInput.of(buf, from, to)) {
                in.transferTo(encoder);
            }
            report.add(SanitizeReport.LONG_LINES);
            return new Repaired(out.finish(), target, newType);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("Angus could not encode " + target + ": " + e.getMessage(), e);
        }
    }

    /** Whether the body decodes as declared (and the encoding is known): one streaming pass, nothing kept. */
    private boolean decodes(int from, int to, String encoding) {
        if (isIdentity(encoding)) {
            return true;
        }
        try (InputStream in = decoded(from, to, encoding)) {
            in.transferTo(OutputStream.nullOutputStream());
            return true;
        } catch (MessagingException | IOException | RuntimeException e) {
            return false;
        }
    }

    private InputStream decoded(int from, int to, String encoding) throws MessagingException {
        InputStream raw = ByteBufferInput.of(buf, from, to);
        return isIdentity(encoding) ? raw : MimeUtility.decode(raw, encoding);
    }

    private static boolean isIdentity(String encoding) {
        return encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
    }

    /** Base64 decoders ignore line breaks (RFC 2045 6.8), so splitting long lines leaves the data as it was. */
    private MessageBytes rewrapBase64(int from, int to) {
        try (BodyBuffer out = bodies.create(to - from + (to - from) / 38 + 2)) {
            int pos = from;
            while (pos < to) {
                int lf = lineEnd(pos, to);
                int end = lf == to ? to : lf - 1;
                if (end - pos > HeaderFolder.MAX_LINE) {
                    for (int i = pos; i < end; i += BASE64_LINE) {
                        copy(i, Math.min(i + BASE64_LINE, end), out);
                        if (i + BASE64_LINE < end) {
                            out.write(CRLF);
                        }
                    }
                    copy(end, lf == to ? to : lf + 1, out);
                } else {
                    copy(pos, lf == to ? to : lf + 1, out);
                }
                pos = lf == to ? to : lf + 1;
            }
            return out.finish();
        }
    }

    /** The multipart body with its parts repaired, or null when it has no boundary to walk by. */
    private MessageBytes repairMultipart(ContentType type, int from, int to, int depth) {
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            return null;
        }
        String partType = type.match("multipart/digest") ? "message/rfc822" : "text/plain";
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        try (BodyBuffer out = bodies.create(to - from + 1024)) {
            int copied = from;
            int partStart = -1;
            int pos = from;
            boolean closed = false;
            while (pos < to) {
                int lf = lineEnd(pos, to);
                int next = lf == to ? to : lf + 1;
                int delimiter = delimiterKind(pos, lf == to ? to : lf - 1, dashBoundary);
                if (delimiter != 0) {
                    if (partStart < 0) {
                        if (hasLongLine(from, pos)) {
                            splitLongLines(from, pos, dashBoundary, out);
                            copied = pos;
                            report.add(SanitizeReport.PREAMBLE_REWRAPPED);
                        }
                    } else {
                        // The CRLF before a delimiter line belongs to the delimiter, not to the part.
                        int partEnd = Math.max(partStart, pos - 2);
                        copied = writeRepairedPart(partStart, partEnd, partType, depth, copied, out);
                    }
                    if (delimiter == 2) {
                        if (hasLongLine(next, to)) {
                            copy(copied, next, out);
                            splitLongLines(next, to, dashBoundary, out);
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
                int partEnd = endsWithCrLf(to) && to - 2 >= partStart ? to - 2 : to;
                copied = writeRepairedPart(partStart, partEnd, partType, depth, copied, out);
            }
            copy(copied, to, out);
            return out.finish();
        }
    }

    /** Writes the bytes up to a part and the part repaired, if it needed it; returns how far the input is copied. */
    private int writeRepairedPart(int partStart, int partEnd, String partType, int depth, int copied, BodyBuffer out) {
        MessageBytes fixed = repairEntity(partStart, partEnd, partType, depth + 1);
        if (fixed == null) {
            return copied;
        }
        try {
            copy(copied, partStart, out);
            fixed.writeTo(out);
        } finally {
            fixed.release();
        }
        return partEnd;
    }

    /**
     * Repairs one entity (a body part or an enclosed message: header section plus body) in {@code [from, to)};
     * returns its new bytes, or null if it needed nothing.
     */
    private MessageBytes repairEntity(int from, int to, String defaultType, int depth) {
        if (!hasLongLine(from, to)) {
            return null;
        }
        HeaderSection headers = HeaderSection.parse(buf, from, to, report);
        report.add(SanitizeReport.FOLDED_HEADERS, HeaderFolder.foldLongLines(headers, report));
        Repaired body = repair(headers, headers.bodyStart(), to, defaultType, depth);
        if (body != null) {
            relabel(headers, body);
        }
        long bodySize = body != null ? body.body().size() : to - headers.bodyStart();
        try (BodyBuffer out = bodies.create((int) Math.min(Integer.MAX_VALUE - 16, bodySize + 1024))) {
            headers.writeTo(out, bodySize > 0);
            if (body != null) {
                body.body().writeTo(out);
            } else {
                copy(headers.bodyStart(), to, out);
            }
            return out.finish();
        } finally {
            if (body != null) {
                body.body().release();
            }
        }
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
    private int delimiterKind(int start, int end, byte[] dashBoundary) {
        if (end - start < dashBoundary.length || !startsWith(start, end, dashBoundary)) {
            return 0;
        }
        int i = start + dashBoundary.length;
        int kind = 1;
        if (end - i >= 2 && buf.get(i) == '-' && buf.get(i + 1) == '-') {
            kind = 2;
            i += 2;
        }
        for (; i < end; i++) {
            if (buf.get(i) != ' ' && buf.get(i) != '\t') {
                return 0;
            }
        }
        return kind;
    }

    /**
     * Preamble and epilogue are not content (RFC 2046 5.1.1: readers ignore them): lines over 998 octets are
     * split, never so that a new line starts with the boundary.
     */
    private void splitLongLines(int from, int to, byte[] dashBoundary, BodyBuffer out) {
        int pos = from;
        while (pos < to) {
            int lf = lineEnd(pos, to);
            int end = lf == to ? to : lf - 1;
            int start = pos;
            while (end - start > HeaderFolder.MAX_LINE) {
                int cut = start + HeaderFolder.MAX_LINE;
                while (cut > start + 1 && startsWith(cut, end, dashBoundary)) {
                    cut--;
                }
                copy(start, cut, out);
                out.write(CRLF);
                start = cut;
            }
            int next = lf == to ? to : lf + 1;
            copy(start, next, out);
            pos = next;
        }
    }

    private boolean startsWith(int at, int end, byte[] prefix) {
        if (end - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.get(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Like {@link HeaderFolder#hasLongLine}, on the buffer. */
    boolean hasLongLine(int from, int to) {
        if (buf.hasArray()) {
            return HeaderFolder.hasLongLine(buf.array(), from, to);
        }
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (buf.get(i) == '\n') {
                if (i - 1 - lineStart > HeaderFolder.MAX_LINE) {
                    return true;
                }
                lineStart = i + 1;
            }
        }
        return to - lineStart > HeaderFolder.MAX_LINE;
    }

    private int lineEnd(int from, int to) {
        return lineEnd(buf, from, to);
    }

    /** Index of the LF ending the line that starts at {@code from}, or {@code to} if the range ends first. */
    static int lineEnd(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            return HeaderSection.lineEnd(buf.array(), from, to);
        }
        for (int i = from; i < to; i++) {
            if (buf.get(i) == '\n') {
                return i;
            }
        }
        return to;
    }

    private boolean endsWithCrLf(int end) {
        return end >= 2 && buf.get(end - 2) == '\r' && buf.get(end - 1) == '\n';
    }

    private void copy(int from, int to, BodyBuffer out) {
        if (buf.hasArray()) {
            out.write(buf.array(), from, to - from);
            return;
        }
        byte[] chunk = new byte[(int) Math.min(64 * 1024, Math.max(0, to - from))];
        for (int pos = from; pos < to; pos += chunk.length) {
            int n = Math.min(chunk.length, to - pos);
            buf.get(pos, chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    static boolean endsWithCrLf(byte[] buf, int end) {
        return end >= 2 && buf[end - 2] == '\r' && buf[end - 1] == '\n';
    }

    /** Whether the bytes end in CRLF, reading only the last two. */
    static boolean endsWithCrLf(MessageBytes bytes) {
        if (bytes.inHeap()) {
            byte[] b = bytes.toByteArray();
            return endsWithCrLf(b, b.length);
        }
        if (bytes.size() < 2) {
            return false;
        }
        byte[] last = bytes.after(bytes.size() - 2).head(2);
        return last[0] == '\r' && last[1] == '\n';
    }

    /**
     * What an Angus encoder writes to: the buffer, which the encoder's close must not close (that would discard it),
     * optionally without a final CRLF (Angus's base64 encoder ends its last line with one). Angus encoders write
     * byte by byte: collecting them here, unsynchronized, saves a lock per byte in the buffer behind.
     */
    private static final class EncoderSink extends OutputStream {
        private final OutputStream out;
        private final boolean dropFinalCrLf;
        private final byte[] buffer = new byte[16 * 1024];
        private int n;

        EncoderSink(OutputStream out, boolean dropFinalCrLf) {
            this.out = out;
            this.dropFinalCrLf = dropFinalCrLf;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buffer.length) {
                drain();
            }
            buffer[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buffer.length) {
                    drain();
                }
                int k = Math.min(len, buffer.length - n);
                System.arraycopy(b, off, buffer, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        /** Writes the buffer on, but for two bytes that may be the final CRLF. */
        private void drain() throws IOException {
            int keep = dropFinalCrLf ? Math.min(2, n) : 0;
            out.write(buffer, 0, n - keep);
            System.arraycopy(buffer, n - keep, buffer, 0, keep);
            n = keep;
        }

        /** Writes what is left, without a final CRLF if so asked; leaves the underlying stream open. */
        @Override
        public void close() throws IOException {
            if (dropFinalCrLf && n >= 2 && buffer[n - 2] == '\r' && buffer[n - 1] == '\n') {
                n -= 2;
            }
            out.write(buffer, 0, n);
            n = 0;
        }
    }
}
