package com.mailroute.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.mailroute.spool.MessageBytes;

/**
 * The byte scans of {@link Entities} for spooled messages, reading a stream once in 64 KB blocks instead of holding
 * the message in an array. Each gives the same answer as its array twin (tests run both on the same corpus).
 */
final class ByteScan {
    private static final int BLOCK = 64 * 1024;
    private static final byte[] CTE_FIELD = "content-transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EIGHT_BIT = "8bit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BINARY = "binary".getBytes(StandardCharsets.US_ASCII);

    private ByteScan() {
    }

    /** What one pass over a whole message found: a byte >= 0x80, and text that may label an entity 8bit or binary. */
    record Scan(boolean eightBit, boolean mayDeclareEightBit) {
    }

    static Scan scan(MessageBytes message) {
        try (InputStream in = message.open()) {
            return scan(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link Entities#hasEightBit(byte[])} and {@link Entities#mayDeclareEightBit(byte[])} in one pass. The label test
     * is two small matchers run side by side: the field name at each line start, and (once a name matched) the value
     * after any whitespace, line breaks included, exactly as the array version reads it.
     */
    static Scan scan(InputStream in) throws IOException {
        boolean eightBit = false;
        boolean declares = false;
        int field = 0;            // bytes of CTE_FIELD matched on this line; -1: this line is not the field
        int value = -1;           // -1: no value pending; 0 with skipping: whitespace after the name; else bytes matched
        boolean skipping = false;
        boolean eightAlive = false;
        boolean binaryAlive = false;
        byte[] buf = new byte[BLOCK];
        for (int n; (n = in.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b < 0) {
                    eightBit = true;
                    if (declares) {
                        return new Scan(true, true);
                    }
                }
                if (!declares) {
                    int c = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
                    if (value >= 0) {
                        if (skipping && (b == ' ' || b == '\t' || b == '\r' || b == '\n')) {
                            // still before the value
                        } else {
                            skipping = false;
                            if (value == 0) {
                                eightAlive = true;
                                binaryAlive = true;
                            }
                            eightAlive &= value < EIGHT_BIT.length && c == EIGHT_BIT[value];
                            binaryAlive &= value < BINARY.length && c == BINARY[value];
                            value++;
                            if ((eightAlive && value == EIGHT_BIT.length) || (binaryAlive && value == BINARY.length)) {
                                declares = true;
                                if (eightBit) {
                                    return new Scan(true, true);
                                }
                            } else if (!eightAlive && !binaryAlive) {
                                value = -1;
                            }
                        }
                    }
                    if (field >= 0) {
                        if (c == CTE_FIELD[field]) {
                            field++;
                            if (field == CTE_FIELD.length) {
                                value = 0;
                                skipping = true;
                                field = -1;
                            }
                        } else {
                            field = -1;
                        }
                    }
                    if (b == '\n') {
                        field = 0;
                    }
                }
            }
        }
        return new Scan(eightBit, declares);
    }

    static boolean hasEightBit(InputStream in) throws IOException {
        byte[] buf = new byte[BLOCK];
        for (int n; (n = in.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++) {
                if (buf[i] < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@link HeaderText#isValidUtf8(byte[])} over a stream. */
    static boolean isValidUtf8(InputStream in) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(BLOCK);
        CharBuffer chars = CharBuffer.allocate(BLOCK);
        boolean end = false;
        while (!end) {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                end = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
            CoderResult r = decoder.decode(bytes, chars, end);
            if (r.isError()) {
                return false;
            }
            chars.clear();
            bytes.compact();
        }
        return !decoder.flush(chars).isError();
    }
}
