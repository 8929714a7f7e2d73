package com.mailroute.mime;

import java.io.IOException;
import java.io.InputStream;

/**
 * LF-ended lines of a stream, for the multipart delimiter scans of a spooled body: each line is kept only as its
 * first few bytes, its length and where its last non-whitespace byte is, so a line of any length costs no memory.
 */
final class Lines {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long offset;          // stream offset of buf[pos]

    final byte[] head;
    int headLength;
    long length;                  // bytes before the LF (or the end)
    long lastNonBlank;            // index of the last byte in the line that is not SP, HTAB or CR; -1 if none
    boolean endsWithLf;
    long next;                    // offset of the byte after this line

    Lines(InputStream in, int headMax) {
        this.in = in;
        this.head = new byte[headMax];
    }

    /** Reads the next line; false at the end of the stream. */
    boolean advance() throws IOException {
        if (!fill()) {
            return false;
        }
        headLength = 0;
        length = 0;
        lastNonBlank = -1;
        endsWithLf = false;
        while (fill()) {
            byte b = buf[pos++];
            offset++;
            if (b == '\n') {
                endsWithLf = true;
                break;
            }
            if (headLength < head.length) {
                head[headLength++] = b;
            }
            if (b != ' ' && b != '\t' && b != '\r') {
                lastNonBlank = length;
            }
            length++;
        }
        next = offset;
        return true;
    }

    /** True when bytes follow the current line. */
    boolean more() throws IOException {
        return fill();
    }

    boolean startsWith(byte[] prefix) {
        if (headLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (head[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when the line holds only SP, HTAB or CR from {@code from} on. */
    boolean blankFrom(long from) {
        return lastNonBlank < from;
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n = in.read(buf);
        while (n == 0) {
            n = in.read(buf);
        }
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
