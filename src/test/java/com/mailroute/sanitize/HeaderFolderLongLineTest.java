package com.mailroute.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The jump-ahead search for a line over 998 bytes against a line-by-line count, on lines near the limit. */
class HeaderFolderLongLineTest {

    @Test
    void jumpingAheadShouldFindExactlyTheLinesALineByLineCountFinds() {
        Random random = new Random(998);
        int longOnes = 0;
        for (int n = 0; n < 5_000; n++) {
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            for (int lines = random.nextInt(6); lines > 0; lines--) {
                int length = random.nextBoolean() ? 990 + random.nextInt(14) : random.nextInt(200);
                m.writeBytes("x".repeat(length).getBytes());
                m.writeBytes(random.nextInt(10) == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
            }
            if (random.nextBoolean()) {
                m.writeBytes("y".repeat(990 + random.nextInt(14)).getBytes());   // a last line without a line end
            }
            byte[] b = m.toByteArray();
            int from = b.length == 0 ? 0 : random.nextInt(Math.min(b.length, 50));
            boolean expected = lineByLine(b, from, b.length);
            assertEquals(expected, HeaderFolder.hasLongLine(b, from, b.length), "case " + n);
            longOnes += expected ? 1 : 0;
        }
        assertEquals(true, longOnes > 500, "long lines should be common: " + longOnes);
    }

    /** The definition: content before CRLF (or before a lone LF, counting the byte before it) over 998 bytes. */
    private static boolean lineByLine(byte[] buf, int from, int to) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                if (i - 1 - lineStart > HeaderFolder.MAX_LINE) {
                    return true;
                }
                lineStart = i + 1;
            }
        }
        return to - lineStart > HeaderFolder.MAX_LINE;
    }
}
