package com.mailroute.mime;

/** The promise a 7-bit message keeps on the wire (RFC 5322 section 2.1.1, RFC 6152): ASCII only, CRLF, lines <= 998 octets. */
final class SevenBitCheck {

    private static final int MAX_LINE = 998;

    private SevenBitCheck() {
    }

    /** Up to 60 bytes before the offset, escaped, so a bug report shows where the byte was. */
    private static String context(byte[] message, int offset) {
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, offset - 60); i < offset; i++) {
            int c = message[i] & 0xFF;
            b.append(c >= 32 && c < 127 && c != '"' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.toString();
    }

    static void require(byte[] message) {
        int lineStart = 0;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b < 0) {
                throw new IllegalStateException("converted message still holds byte 0x"
                        + Integer.toHexString(b & 0xFF) + " at offset " + i + " after \"" + context(message, i) + "\"");
            }
            if (b == '\n') {
                if (i == 0 || message[i - 1] != '\r') {
                    throw new IllegalStateException("converted message has a bare LF at offset " + i);
                }
                if (i - 1 - lineStart > MAX_LINE) {
                    throw new IllegalStateException("converted message has a line longer than 998 octets at offset " + lineStart);
                }
                lineStart = i + 1;
            }
        }
    }
}
