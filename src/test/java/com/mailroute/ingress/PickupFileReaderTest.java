package com.mailroute.ingress;

import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PickupFileReaderTest {

    private static final String MESSAGE = "From: alice@example.com\r\nTo: bob@example.org\r\nSubject: hi\r\n\r\nbody\r\n";

    private final PickupFileReader reader = new PickupFileReader();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Submission s) {
        return new String(s.raw().toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void readShouldTakeTheEnvelopeFromXSenderAndXReceiverAndRemoveThem() {
        Submission s = read(bytes("x-sender: alice@example.com\r\nx-receiver: bob@example.org\r\n" + MESSAGE));

        assertThat(s.wayIn()).isEqualTo("pickup");
        assertThat(s.sender()).isEqualTo("alice@example.com");
        assertThat(s.recipients()).containsExactly("bob@example.org");
        assertThat(text(s)).isEqualTo(MESSAGE);
    }

    @Test
    void readShouldMatchTheLineNamesCaseInsensitively() {
        Submission s = read(bytes("X-Sender: alice@example.com\r\nX-RECEIVER: bob@example.org\r\n" + MESSAGE));

        assertThat(s.sender()).isEqualTo("alice@example.com");
        assertThat(s.recipients()).containsExactly("bob@example.org");
        assertThat(text(s)).isEqualTo(MESSAGE);
    }

    @Test
    void readShouldStripAngleBrackets() {
        Submission s = read(bytes("x-sender: <alice@example.com>\r\nx-receiver:<bob@example.org>\r\n" + MESSAGE));

        assertThat(s.sender()).isEqualTo("alice@example.com");
        assertThat(s.recipients()).containsExactly("bob@example.org");
    }

    @Test
    void readShouldTurnAnEmptyBracketSenderIntoTheNullReversePath() {
        Submission s = read(bytes("x-sender: <>\r\nx-receiver: bob@example.org\r\n" + MESSAGE));

        assertThat(s.sender()).isEmpty();
    }

    @Test
    void readShouldCollectSeveralReceiverLinesAndCommaLists() {
        Submission s = read(bytes("x-sender: alice@example.com\r\n"
                + "x-receiver: <bob@example.org>, carol@example.net\r\n"
                + "x-receiver: dave@example.com\r\n"
                + "x-receiver: ,\r\n" + MESSAGE));

        assertThat(s.recipients()).containsExactly("bob@example.org", "carol@example.net", "dave@example.com");
        assertThat(text(s)).isEqualTo(MESSAGE);
    }

    @Test
    void readShouldAcceptLfOnlyLineEnds() {
        String lfMessage = "From: alice@example.com\nTo: bob@example.org\n\nbody\n";

        Submission s = read(bytes("x-sender: alice@example.com\nx-receiver: bob@example.org\n" + lfMessage));

        assertThat(s.sender()).isEqualTo("alice@example.com");
        assertThat(s.recipients()).containsExactly("bob@example.org");
        assertThat(text(s)).isEqualTo(lfMessage);
    }

    @Test
    void readShouldLeaveAFileWithoutEnvelopeLinesUnchanged() {
        byte[] file = bytes(MESSAGE);

        Submission s = read(file);

        assertThat(s.raw().toByteArray()).isEqualTo(file);
        assertThat(s.sender()).isNull();
        assertThat(s.recipients()).isNull();
        assertThat(s.hasExplicitRecipients()).isFalse();
    }

    @Test
    void readShouldOnlyConsumeLeadingEnvelopeLines() {
        String body = "From: alice@example.com\r\nX-Receiver: not-envelope@example.org\r\n\r\nbody\r\n";

        Submission s = read(bytes("x-receiver: bob@example.org\r\n" + body));

        assertThat(s.recipients()).containsExactly("bob@example.org");
        assertThat(s.sender()).isNull();
        assertThat(text(s)).isEqualTo(body);
    }

    @Test
    void readShouldKeepEightBitBytesOfTheMessageIntact() {
        byte[] message = {'S', 'u', 'b', 'j', 'e', 'c', 't', ':', ' ', (byte) 0xE9, '\r', '\n', '\r', '\n', (byte) 0xFF, '\r', '\n'};
        byte[] envelope = bytes("x-receiver: bob@example.org\r\n");
        byte[] file = new byte[envelope.length + message.length];
        System.arraycopy(envelope, 0, file, 0, envelope.length);
        System.arraycopy(message, 0, file, envelope.length, message.length);

        assertThat(read(file).raw().toByteArray()).isEqualTo(message);
    }

    @Test
    void readShouldSkipAByteOrderMarkAndAnMboxFromLine() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] rest = bytes("From alice@example.com Tue Nov 24 12:00:00 2026\nx-sender: a@example.com\nx-receiver: b@example.org\n" + MESSAGE);
        byte[] file = new byte[bom.length + rest.length];
        System.arraycopy(bom, 0, file, 0, bom.length);
        System.arraycopy(rest, 0, file, bom.length, rest.length);

        Submission s = read(file);

        assertThat(s.sender()).isEqualTo("a@example.com");
        assertThat(s.recipients()).containsExactly("b@example.org");
        assertThat(text(s)).isEqualTo(MESSAGE);
    }

    private Submission read(byte[] file) {
        return reader.read(MessageBytes.of(file));
    }
}
