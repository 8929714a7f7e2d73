package com.mailroute.interop;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Byte-level views of a stored message: header section, body, unfolded header values, 8-bit bytes. */
final class RawMessage {
    private RawMessage() {
    }

    /** Offset of the body: after the first empty line (LF or CRLF line ends). */
    static int bodyStart(byte[] m) {
        for (int i = 0; i < m.length - 1; i++) {
            if (m[i] == '\n' && (m[i + 1] == '\n' || (m[i + 1] == '\r' && i + 2 < m.length && m[i + 2] == '\n'))) {
                return m[i + 1] == '\n' ? i + 2 : i + 3;
            }
        }
        return m.length;
    }

    static byte[] body(byte[] m) {
        return Arrays.copyOfRange(m, bodyStart(m), m.length);
    }

    static String headers(byte[] m) {
        return new String(m, 0, bodyStart(m), StandardCharsets.ISO_8859_1);
    }

    /** The header section with folded fields joined onto one line each (LF ends). */
    static String unfoldedHeaders(byte[] m) {
        return headers(m).replaceAll("\r?\n[ \t]+", " ").replace("\r\n", "\n");
    }

    /** The first header field of that name, unfolded, without the name. */
    static Optional<String> headerValue(byte[] m, String name) {
        String unfolded = unfoldedHeaders(m);
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : unfolded.split("\r?\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return Optional.of(line.substring(prefix.length()).strip());
            }
        }
        return Optional.empty();
    }

    static long eightBitBytes(byte[] m) {
        long n = 0;
        for (byte b : m) {
            if ((b & 0x80) != 0) {
                n++;
            }
        }
        return n;
    }

    static byte[] lf(byte[] m) {
        return new String(m, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
