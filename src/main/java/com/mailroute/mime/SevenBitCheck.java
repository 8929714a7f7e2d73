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

    /**
     * {@link #require} on bytes as they are written, for a converted message streamed into the spool: the same checks
     * and messages, with the 60 bytes of context kept in a ring.
     */
    static final class Checked extends java.io.OutputStream {
        private final java.io.OutputStream out;
        private final byte[] ring = new byte[60];
        private long offset;
        private long lineStart;
        private int last = -1;
        private int beforeLast = -1;

        Checked(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int k = off; k < off + len; k++) {
                check(b[k]);
            }
            out.write(b, off, len);
        }

        private void check(byte b) {
            if (b < 0) {
                throw new IllegalStateException("converted message still holds byte 0x"
                        + Integer.toHexString(b & 0xFF) + " at offset " + offset + " after \"" + context() + "\"");
            }
            if (b == '\n') {
                if (last != '\r') {
                    throw new IllegalStateException("converted message has a bare LF at offset " + offset);
                }
                if (offset - 1 - lineStart > MAX_LINE) {
                    throw new IllegalStateException("converted message has a line longer than 998 octets at offset " + lineStart);
                }
                lineStart = offset + 1;
            }
            ring[(int) (offset % ring.length)] = b;
            beforeLast = last;
            last = b;
            offset++;
        }

        private String context() {
            StringBuilder s = new StringBuilder();
            for (long i = Math.max(0, offset - ring.length); i < offset; i++) {
                int c = ring[(int) (i % ring.length)] & 0xFF;
                s.append(c >= 32 && c < 127 && c != '"' ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
            return s.toString();
        }

        /** Adds the final CRLF when the message does not end with one. */
        void endWithCrLf() throws java.io.IOException {
            if (beforeLast != '\r' || last != '\n') {
                write(new byte[] {'\r', '\n'}, 0, 2);
            }
        }
    }
}
