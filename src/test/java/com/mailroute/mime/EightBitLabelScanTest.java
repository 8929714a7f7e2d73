package com.mailroute.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The array scan for 8bit/binary labels (anchored on the '-' of "Content-") against the stream scan, line by line. */
class EightBitLabelScanTest {
    private static final String[] PIECES = {
        "Content-Transfer-Encoding: 8bit", "content-transfer-encoding:\r\n binary", "CONTENT-TRANSFER-ENCODING:\t8BIT",
        "Content-Transfer-Encoding: base64", "X-Content-Transfer-Encoding: 8bit", "Content-Type: text/plain", "--boundary--",
        "-", "--", "content-", "Content-Transfer-Encoding:", "8bit", "\r\n", "\r\n", "\n", " ", "abc", "QUJD",
    };

    @Test
    void theArrayScanShouldAnswerAsTheStreamScanOnAnyMixOfLabelsDashesAndLineEnds() throws IOException {
        Random random = new Random(2045);
        int declaring = 0;
        for (int n = 0; n < 20_000; n++) {
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            for (int k = random.nextInt(12); k > 0; k--) {
                m.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.US_ASCII));
            }
            byte[] bytes = m.toByteArray();
            boolean expected = ByteScan.scan(new ByteArrayInputStream(bytes)).mayDeclareEightBit();
            assertEquals(expected, Entities.mayDeclareEightBit(bytes), () -> new String(bytes, StandardCharsets.US_ASCII));
            declaring += expected ? 1 : 0;
        }
        assertTrue(declaring > 1000, "the mixes should often declare 8bit: " + declaring);
    }

    @Test
    void aLabelOnlyInsideALineShouldNotCount() {
        assertFalse(Entities.mayDeclareEightBit("Subject: Content-Transfer-Encoding: 8bit\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(Entities.mayDeclareEightBit("Content-Transfer-Encoding: 8bit\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(Entities.mayDeclareEightBit("a\r\ncontent-transfer-encoding:  binary".getBytes(StandardCharsets.US_ASCII)));
    }
}
