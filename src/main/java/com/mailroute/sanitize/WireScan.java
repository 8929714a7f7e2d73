package com.mailroute.sanitize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * One streaming pass over a spooled message that tells whether its line ends are already clean (every CR before
 * an LF, every LF after a CR, no NUL, CRLF at the end: {@link LineEndNormalizer}'s test) and where its last line
 * over 998 octets starts, in bounded memory. With clean line ends these are offsets into the message itself.
 */
record WireScan(boolean lineEndsClean, long lastLongLineStart) {
    static final long NONE = -1;

    static WireScan of(InputStream in) {
        byte[] chunk = new byte[64 * 1024];
        boolean clean = true;
        long lastLong = NONE;
        long lineStart = 0;
        long pos = 0;
        int prev = -1;
        try (in) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                for (int i = 0; i < n; i++, pos++) {
                    byte b = chunk[i];
                    if (b == '\n') {
                        if (prev != '\r') {
                            clean = false;
                        }
                        if (pos - 1 - lineStart > HeaderFolder.MAX_LINE) {
                            lastLong = lineStart;
                        }
                        lineStart = pos + 1;
                    } else if (b == 0 || prev == '\r') {
                        clean = false;
                    }
                    prev = b;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled message: " + e.getMessage(), e);
        }
        if (pos - lineStart > HeaderFolder.MAX_LINE) {
            lastLong = lineStart;
        }
        return new WireScan(clean && prev == '\n', lastLong);
    }
}
