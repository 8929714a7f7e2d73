package com.mailroute.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.eclipse.angus.mail.smtp.SMTPOutputStream;
import org.junit.jupiter.api.Test;

class DotStuffingStreamTest {

    @Test
    void dotAtTheStartOfALineShouldBeDoubled() throws IOException {
        assertEquals("..a\r\nb.c\r\n..\r\n...x\r\n", stuffed(".a\r\nb.c\r\n.\r\n..x\r\n"));
    }

    @Test
    void bareLineEndsShouldBecomeCrLfAndTheLastLineShouldBeEnded() throws IOException {
        assertEquals("a\r\n..b\r\nc\r\n\r\nd\r\n", stuffed("a\n.b\rc\r\r\nd"));
    }

    @Test
    void crLfSplitAcrossWritesShouldStayOneLineEnd() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingStream data = new DotStuffingStream(wire);
        data.write("a\r".getBytes(StandardCharsets.US_ASCII));
        data.write("\n.b\r".getBytes(StandardCharsets.US_ASCII));
        data.write("\n".getBytes(StandardCharsets.US_ASCII));
        data.finish();
        assertEquals("a\r\n..b\r\n", wire.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void anyInputWrittenInAnyPiecesShouldGoOnTheWireAsAngusWouldSendIt() throws IOException {
        Random random = new Random(5321);
        byte[] alphabet = {'.', '.', '\r', '\n', '\r', '\n', 'a', 'b', (byte) 0xE9, 0};
        for (int n = 0; n < 20_000; n++) {
            byte[] message = new byte[random.nextInt(60)];
            for (int i = 0; i < message.length; i++) {
                message[i] = alphabet[random.nextInt(alphabet.length)];
            }
            ByteArrayOutputStream angus = new ByteArrayOutputStream();
            SMTPOutputStream reference = new SMTPOutputStream(angus);
            reference.write(message);
            reference.ensureAtBOL();

            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            DotStuffingStream data = new DotStuffingStream(ours);
            for (int at = 0; at < message.length; ) {
                int piece = Math.min(message.length - at, random.nextInt(9));
                data.write(message, at, piece);
                at += piece;
            }
            data.finish();
            assertArrayEquals(angus.toByteArray(), ours.toByteArray(), () -> java.util.Arrays.toString(message));
        }
    }

    private static String stuffed(String message) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingStream data = new DotStuffingStream(wire);
        data.write(message.getBytes(StandardCharsets.US_ASCII));
        data.finish();
        return wire.toString(StandardCharsets.US_ASCII);
    }
}
