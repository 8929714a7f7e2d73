package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MessageShapeTest {

    private final MessageShape shape = new MessageShape();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void checkShouldAcceptAMessageStartingWithAHeaderField() {
        byte[] m = bytes("Subject: hello\r\n\r\nbody with tabs\tand ümlauts\r\n");

        assertThatCode(() -> shape.check(MessageBytes.of(m), m.length)).doesNotThrowAnyException();
    }

    @Test
    void checkShouldRefuseAnEmptyMessage() {
        assertThatThrownBy(() -> shape.check(MessageBytes.of(new byte[0]), 1000))
                .isInstanceOf(RejectedException.class)
                .hasMessage("empty message")
                .satisfies(e -> assertThat(((RejectedException) e).httpStatus()).isEqualTo(400));
    }

    @Test
    void checkShouldRefuseAMessageLargerThanTheLimitWith413() {
        byte[] m = bytes("Subject: x\r\n\r\n" + "a".repeat(100));

        assertThatThrownBy(() -> shape.check(MessageBytes.of(m), m.length - 1))
                .isInstanceOf(RejectedException.class)
                .hasMessage("message is " + m.length + " bytes, larger than mailroute.message.max-size (" + (m.length - 1) + " bytes)")
                .satisfies(e -> assertThat(((RejectedException) e).httpStatus()).isEqualTo(413));
    }

    @Test
    void checkShouldAcceptAMessageOfExactlyTheLimit() {
        byte[] m = bytes("Subject: x\r\n\r\nbody\r\n");

        assertThatCode(() -> shape.check(MessageBytes.of(m), m.length)).doesNotThrowAnyException();
    }

    @Test
    void checkShouldAcceptTextThatDoesNotStartWithAHeaderField() {
        // A digest without a header, an mbox From line, a leading empty line: the sanitizer reads them as Postfix does.
        for (String text : new String[] {"Hello Bob,\r\nhow are you?\r\n", "From alice@example.com Tue Nov 24 12:00:00 2026\nSubject: x\n\nb\n",
                "\r\nSubject: x\r\n", ": no name\r\n\r\n"}) {
            byte[] m = bytes(text);
            assertThatCode(() -> shape.check(MessageBytes.of(m), 1000)).as(text).doesNotThrowAnyException();
        }
    }

    @Test
    void checkShouldRefuseBinaryData() {
        byte[] m = new byte[200];
        byte[] head = bytes("Content-Type: application/octet-stream\r\n\r\n");
        System.arraycopy(head, 0, m, 0, head.length);
        // the rest stays NUL bytes: far more than one in twenty control bytes

        assertThatThrownBy(() -> shape.check(MessageBytes.of(m), 1000))
                .isInstanceOf(RejectedException.class)
                .hasMessage("not a message: binary data (" + (200 - head.length) + " control bytes in the first 200)");
    }

    @Test
    void checkShouldRefuseBinaryDataWithoutAnyHeader() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D};

        assertThatThrownBy(() -> shape.check(MessageBytes.of(png), 1000))
                .isInstanceOf(RejectedException.class)
                .hasMessage("not a message: binary data (4 control bytes in the first 12)");
    }
}
