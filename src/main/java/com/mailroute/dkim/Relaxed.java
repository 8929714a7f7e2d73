package com.mailroute.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/**
 * The "relaxed" canonicalization of RFC 6376 section 3.4.2 (header fields) and 3.4.4 (body), on raw
 * bytes: 8-bit bytes pass through unchanged, only SP, HTAB, CR and LF are ever touched.
 */
final class Relaxed {
    private Relaxed() {
    }

    /**
     * One header field, bytes [start, end) with or without its final CRLF, canonicalized: name in lower case,
     * unfolded, runs of whitespace as one SP, no whitespace around the colon or at the end; then CRLF.
     */
    static byte[] header(byte[] m, int start, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start + 2);
        int colon = start;
        while (colon < end && m[colon] != ':') {
            colon++;
        }
        int nameEnd = colon;
        while (nameEnd > start && isWsp(m[nameEnd - 1])) {
            nameEnd--;
        }
        for (int i = start; i < nameEnd; i++) {
            byte b = m[i];
            out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        }
        out.write(':');
        boolean pendingSpace = false;
        boolean any = false;
        for (int i = colon + 1; i < end; i++) {
            byte b = m[i];
            if (b == '\r' || b == '\n') {
                continue; // unfolding: the whitespace after a line break stays and is reduced below
            }
            if (isWsp(b)) {
                pendingSpace = any; // leading whitespace of the value is dropped
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(b);
            any = true;
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * The body m[from, to) canonicalized into {@code digest}: whitespace runs as one SP, none at line ends,
     * no empty lines at the end, a final CRLF added to a non-empty body that lacks one; an empty body stays empty.
     */
    static void body(byte[] m, int from, int to, MessageDigest digest) {
        Out out = new Out(digest);
        int blankLines = 0;
        int pos = from;
        while (pos < to) {
            boolean pendingSpace = false;
            boolean content = false;
            int i = pos;
            while (i < to && !(m[i] == '\r' && i + 1 < to && m[i + 1] == '\n')) {
                byte b = m[i++];
                if (isWsp(b)) {
                    pendingSpace = true;
                    continue;
                }
                if (!content) {
                    for (; blankLines > 0; blankLines--) {
                        out.crlf();
                    }
                    content = true;
                }
                if (pendingSpace) {
                    out.put((byte) ' ');
                    pendingSpace = false;
                }
                out.put(b);
            }
            if (content) {
                out.crlf();
            } else {
                blankLines++;
            }
            pos = i < to ? i + 2 : to;
        }
        out.flush();
    }

    private static boolean isWsp(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Buffers bytes for the digest: one update call per 8 KB instead of one per byte. */
    private static final class Out {
        private final MessageDigest digest;
        private final byte[] buf = new byte[8192];
        private int n;

        Out(MessageDigest digest) {
            this.digest = digest;
        }

        void put(byte b) {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = b;
        }

        void crlf() {
            put((byte) '\r');
            put((byte) '\n');
        }

        void flush() {
            digest.update(buf, 0, n);
            n = 0;
        }
    }
}
