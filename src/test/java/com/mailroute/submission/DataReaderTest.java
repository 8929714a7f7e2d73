package com.mailroute.submission;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import com.mailroute.spool.Spool;
import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

/**
 * The block reader decides the end of data and dot-unstuffing exactly as SubEthaSMTP's own streams do
 * (compared on seeded random inputs made of CR, LF, dots and letters), consumes nothing after the terminator,
 * and enforces the size limit while staying in step.
 */
class DataReaderTest {
    @TempDir
    Path spoolDir;


    @Test
    void shouldAgreeWithSubEthaSmtpsStreamsOnRandomInputs() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] alphabet = {'\r', '\n', '.', 'a'};
        for (int round = 0; round < 4_000; round++) {
            int len = random.nextInt(random.nextBoolean() ? 12 : 20_000);
            byte[] body = new byte[len + 1];
            body[0] = 'a'; // the library keeps a dot at the very start of the data (see below); RFC 5321 removes it
            for (int i = 1; i < body.length; i++) {
                body[i] = alphabet[random.nextInt(alphabet.length)];
            }
            byte[] input = concat(body, "\r\n.\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream mine = new BufferedInputStream(new ByteArrayInputStream(input), 8192);
            InputStream theirs = new BufferedInputStream(new ByteArrayInputStream(input), 8192);
            byte[] expected = new DotUnstuffingInputStream(new DotTerminatedInputStream(theirs)).readAllBytes();
            byte[] actual = read(mine, Long.MAX_VALUE);
            String context = "seed " + seed + " round " + round + " input " + HexFormat.of().formatHex(input, 0, Math.min(input.length, 200));
            assertThat(actual).as(context).isEqualTo(expected);
            assertThat(mine.readAllBytes()).as("bytes left after the data, " + context).isEqualTo(theirs.readAllBytes());
        }
    }

    @Test
    void shouldEndOnlyAtCrLfDotCrLfAndLeaveThePipelinedCommandsUnread() throws Exception {
        InputStream in = stream("Subject: s\r\n\r\na\n.\nb\r.\rc\n.\r\nd\r\n..e\r\n.\r\nMAIL FROM:<x@example.com>\r\n");
        assertThat(new String(read(in, 1000), StandardCharsets.US_ASCII))
                .isEqualTo("Subject: s\r\n\r\na\n.\nb\r.\rc\n.\r\nd\r\n.e\r\n");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("MAIL FROM:<x@example.com>\r\n");
    }

    @Test
    void aDotAtTheStartOfTheDataShouldBeUnstuffedAndALoneOneBeEmptyData() throws Exception {
        assertThat(new String(read(stream("..a\r\n.\r\n"), 100), StandardCharsets.US_ASCII)).isEqualTo(".a\r\n");
        assertThat(read(stream(".\r\n"), 100)).isEmpty();
    }

    @Test
    void overTheLimitShouldReadToTheEndThenRefuse() throws Exception {
        InputStream in = stream("x".repeat(50_000) + "\r\n.\r\nQUIT\r\n");
        assertThatThrownBy(() -> read(in, 1000)).isInstanceOf(DataReader.TooLarge.class).hasMessage("50002");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("QUIT\r\n");
        assertThat(read(stream("1234567890\r\n.\r\n"), 12)).hasSize(12);
    }

    @Test
    void aConnectionClosedBeforeTheEndShouldBeAnError() {
        assertThatThrownBy(() -> read(stream("Subject: s\r\n\r\nno end\r\n.\n"), 1000)).isInstanceOf(EOFException.class);
    }

    private static InputStream stream(String s) {
        return new BufferedInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII)), 8192);
    }

    private static byte[] concat(byte[] a, byte[] b) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(a);
        o.write(b);
        return o.toByteArray();
    }

    /** Through a spool that keeps only 1 KiB in the heap, so long data also takes the spool-file path. */
    private byte[] read(InputStream in, long max) throws Exception {
        MessageBytes data = DataReader.read(in, max, new Spool(spoolDir, 1024));
        try {
            return data.toByteArray();
        } finally {
            data.release();
        }
    }
}
