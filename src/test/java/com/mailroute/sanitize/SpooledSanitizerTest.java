package com.mailroute.sanitize;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.FileBytes;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.testsupport.SeededCases;
import com.mailroute.testsupport.Spools;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedFileInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sanitizer on spooled (large) messages: the same bytes as in the heap for the same input, and large messages
 * passed or repaired without ever being read whole into the heap (inputs that fail on {@code toByteArray()}).
 */
class SpooledSanitizerTest {
    private static final int MB = 1024 * 1024;
    /** Lines of {@link #writeTextLines} that make 50 MB with CRLF. */
    private static final int FIFTY_MB_OF_LINES = 50 * MB / 74;

    @TempDir
    Path inputs;

    private final Spool heapSpool = Spools.standard();
    /** A spool that keeps at most 64 bytes of a message in the heap: every test message takes the spooled path. */
    private final Spool tinySpool = Spools.withHeapLimit(64);
    private final MessageSanitizer inHeap = new MessageSanitizer("relay.example", MessageSanitizerTest.CLOCK, heapSpool);
    private final MessageSanitizer spooled = new MessageSanitizer("relay.example", MessageSanitizerTest.CLOCK, tinySpool);

    // ---- the same corpus through both paths ----

    @TestFactory
    Stream<DynamicTest> malformedMailShouldComeOutOfTheSpooledPathExactlyAsOutOfTheHeap() {
        return SeededCases.of(1500, random -> sameAsInHeap(random.nextInt(4) == 0
                ? MalformedMessages.wellFormed(random).raw() : MalformedMessages.malformed(random).raw(), random));
    }

    @TestFactory
    Stream<DynamicTest> generatedMessagesWithDamagedLineEndsAndLongLinesShouldComeOutOfBothPathsAlike() {
        return SeededCases.of(1500, random -> sameAsInHeap(GeneratedMessage.generate(random).raw, random));
    }

    private void sameAsInHeap(byte[] raw, Random random) throws IOException {
        SanitizedMessage expected;
        try {
            expected = inHeap.sanitize(MessageBytes.of(raw), "pickup", "P1");
        } catch (RejectedException empty) {
            return;
        }
        MessageBytes input = spooledInput(raw, random);
        SanitizedMessage actual = spooled.sanitize(input, "pickup", "P1");
        try {
            assertThat(actual.report().toString()).isEqualTo(expected.report().toString());
            assertThat(actual.senderHeader()).isEqualTo(expected.senderHeader());
            assertThat(withoutGeneratedMessageId(readAll(actual.bytes())))
                    .isEqualTo(withoutGeneratedMessageId(expected.bytes().toByteArray()));
        } finally {
            actual.bytes().release();
            input.release();
        }
        try (Stream<Path> left = Files.list(tinySpool.dir())) {
            assertThat(left).as("spool files left after release").isEmpty();
        }
    }

    /** The message as a spooled submission may hold it: a spool file, a region after pickup envelope lines, or neither. */
    private MessageBytes spooledInput(byte[] raw, Random random) throws IOException {
        Path file = Files.createTempFile(inputs, "in-", ".eml");
        // Messages up to the spool threshold are read into the heap on purpose (that is the fast path).
        switch (raw.length <= tinySpool.heapLimit() ? 0 : random.nextInt(3)) {
            case 0 -> {
                Files.write(file, raw);
                return new FileBytes(file, 0, raw.length, true);
            }
            case 1 -> {
                byte[] envelope = "x-sender: a@example.com\r\nx-receiver: b@example.org\r\n".getBytes(US_ASCII);
                try (OutputStream out = Files.newOutputStream(file)) {
                    out.write(envelope);
                    out.write(raw);
                }
                return new FileBytes(file, 0, envelope.length + raw.length, true).after(envelope.length);
            }
            default -> {
                Files.write(file, raw);
                return new NeverWhole(new FileBytes(file, 0, raw.length, true));
            }
        }
    }

    /** The Message-ID the sanitizer adds is random: the same placeholder for both paths. */
    private static String withoutGeneratedMessageId(byte[] message) {
        return new String(message, ISO_8859_1).replaceAll("Message-ID: <[0-9a-f]{32}@relay\\.example>", "Message-ID: <generated>");
    }

    // ---- large messages ----

    @Test
    void aCleanFiftyMegabyteMessageShouldPassBehindTheReceivedFieldWithoutACopy() throws Exception {
        Path file = inputs.resolve("clean.eml");
        MessageDigest expected = sha256();
        expected.update(MessageSanitizerTest.RECEIVED.getBytes(US_ASCII));
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), expected)) {
            out.write((MessageSanitizerTest.CLEAN_HEADERS + "Content-Type: text/plain; charset=us-ascii\r\n\r\n").getBytes(US_ASCII));
            writeTextLines(out, FIFTY_MB_OF_LINES, "\r\n");
        }
        MessageBytes raw = new NeverWhole(new FileBytes(file, 0, Files.size(file), false));

        SanitizedMessage result = inHeap.sanitize(raw, "pickup", "0A1B2C");

        assertThat(result.report().isClean()).isTrue();
        assertThat(result.bytes().inHeap()).isFalse();
        assertThat(result.bytes().size()).isEqualTo(MessageSanitizerTest.RECEIVED.length() + Files.size(file));
        assertThat(digest(result.bytes())).isEqualTo(hex(expected));
        try (Stream<Path> files = Files.list(heapSpool.dir())) {
            assertThat(files).as("no copy in the spool").isEmpty();
        }
    }

    @Test
    void aFiftyMegabyteMessageWithBareLineFeedsShouldGetCrlfAndItsDateWithTheBodyLeftInItsSpoolFile() throws Exception {
        Path file = inputs.resolve("bare-lf.eml");
        String headers = "From: a@example.com\nTo: b@example.org\nSubject: big\nMessage-ID: <big@example.com>\n\n";
        MessageDigest expected = sha256();
        expected.update((MessageSanitizerTest.RECEIVED + headers.replace("\n\n", "\nDate: Tue, 24 Nov 2026 12:00:00 +0000\n\n")
                .replace("\n", "\r\n")).getBytes(US_ASCII));
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(headers.getBytes(US_ASCII));
            writeTextLines(out, FIFTY_MB_OF_LINES, "\n");
        }
        // The expected body: the same lines with CRLF.
        writeTextLines(new DigestOutputStream(OutputStream.nullOutputStream(), expected), FIFTY_MB_OF_LINES, "\r\n");
        MessageBytes raw = new NeverWhole(new FileBytes(file, 0, Files.size(file), false));

        SanitizedMessage result = inHeap.sanitize(raw, "pickup", "0A1B2C");

        assertThat(result.report().counts()).containsOnlyKeys("bare-lf", "date-added");
        assertThat(digest(result.bytes())).isEqualTo(hex(expected));
        try (Stream<Path> files = Files.list(heapSpool.dir())) {
            assertThat(files).as("only the normalized copy, which the result holds").hasSize(1);
        }
        result.bytes().release();
        try (Stream<Path> files = Files.list(heapSpool.dir())) {
            assertThat(files).as("released").isEmpty();
        }
    }

    @Test
    void aFiftyMegabyteMultipartWithBareLineFeedsAndALongTextLineShouldBeRepairedPartByPart() throws Exception {
        Path file = inputs.resolve("dirty.eml");
        MessageDigest textDigest = sha256();
        MessageDigest attachmentDigest = sha256();
        String longLine = "y".repeat(5000);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(("From: a@example.com\nTo: b@example.org\nSubject: big\nMIME-Version: 1.0\n"
                    + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=us-ascii\n\n")
                    .getBytes(US_ASCII));
            String text = "first line\nthen a long one:\n" + longLine + "\nlast line";
            out.write(text.getBytes(US_ASCII));
            textDigest.update(text.replace("\n", "\r\n").getBytes(US_ASCII));
            out.write("\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n".getBytes(US_ASCII));
            Random random = new Random(11);
            byte[] chunk = new byte[57 * 1024];
            OutputStream base64 = Base64.getMimeEncoder(76, new byte[] {'\n'}).wrap(new NoClose(out));
            for (long written = 0; written < 36L * MB; written += chunk.length) {
                random.nextBytes(chunk);
                base64.write(chunk);
                attachmentDigest.update(chunk);
            }
            base64.close();
            out.write("\n--b1--\n".getBytes(US_ASCII));
        }
        assertThat(Files.size(file)).isGreaterThan(48L * MB);
        MessageBytes raw = new NeverWhole(new FileBytes(file, 0, Files.size(file), false));

        SanitizedMessage result = inHeap.sanitize(raw, "pickup", "0A1B2C");

        assertThat(result.report().counts()).containsKeys("bare-lf", "long-lines", "date-added", "message-id-added")
                .doesNotContainKey("base64-rewrapped");
        assertThat(result.report().count("long-lines")).isEqualTo(1);
        assertWireClean(result.bytes());
        FileBytes out = heapSpool.toFile(result.bytes());
        try (SharedFileInputStream in = new SharedFileInputStream(out.file().toFile())) {
            MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
                    in.newStream(out.offset(), out.offset() + out.length()));
            assertThat(parsed.getSubject()).isEqualTo("big");
            assertThat(parsed.getHeader("Date")).hasSize(1);
            MimeMultipart parts = (MimeMultipart) parsed.getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat(parts.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
            assertThat(digest(parts.getBodyPart(0).getInputStream())).isEqualTo(hex(textDigest));
            assertThat(parts.getBodyPart(1).getHeader("Content-Transfer-Encoding")).containsExactly("base64");
            assertThat(digest(parts.getBodyPart(1).getInputStream())).as("the attachment, decoded").isEqualTo(hex(attachmentDigest));
        } finally {
            if (out != result.bytes()) {
                out.release();
            }
            result.bytes().release();
        }
        try (Stream<Path> files = Files.list(heapSpool.dir())) {
            assertThat(files).as("no spool file left once the result is released").isEmpty();
        }
    }

    // ---- helpers ----

    /**
     * A spooled message that fails the test if anything asks for it as one array: proof that the sanitizer streams
     * it (reading its first bytes with {@link #head} for the header section is fine).
     */
    private record NeverWhole(MessageBytes bytes) implements MessageBytes {
        @Override
        public long size() {
            return bytes.size();
        }

        @Override
        public InputStream open() {
            return bytes.open();
        }

        @Override
        public boolean inHeap() {
            return false;
        }

        @Override
        public byte[] toByteArray() {
            throw new AssertionError("a spooled message of " + bytes.size() + " bytes was read whole into the heap");
        }

        @Override
        public byte[] head(int max) {
            assertThat(max).as("header bytes read into the heap").isLessThanOrEqualTo(HeaderSection.SPOOLED_HEADER_LIMIT);
            return bytes.head(max);
        }

        @Override
        public MessageBytes after(long n) {
            return new NeverWhole(bytes.after(n));
        }

        @Override
        public void release() {
            bytes.release();
        }
    }

    /** {@code count} numbered lines of 72 printable characters, each ending with {@code lineEnd}. */
    private static void writeTextLines(OutputStream out, int count, String lineEnd) throws IOException {
        byte[] end = lineEnd.getBytes(US_ASCII);
        for (int n = 0; n < count; n++) {
            out.write(String.format("%08d the quick brown fox jumps over the lazy dog, again and again, ok", n).getBytes(US_ASCII));
            out.write(end);
        }
        out.flush();
    }

    /** Fails unless every line ends in CRLF, there is no NUL and no line over 998 octets; reads as a stream. */
    private static void assertWireClean(MessageBytes message) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(message.open(), 64 * 1024)) {
            long pos = 0;
            long lineStart = 0;
            int prev = -1;
            for (int b; (b = in.read()) >= 0; pos++) {
                assertThat(b).as("NUL at %d", pos).isNotZero();
                if (prev == '\r') {
                    assertThat(b).as("bare CR at %d", pos - 1).isEqualTo('\n');
                }
                if (b == '\n') {
                    assertThat(prev).as("bare LF at %d", pos).isEqualTo('\r');
                    assertThat(pos - 1 - lineStart).as("line at %d", lineStart).isLessThanOrEqualTo(998);
                    lineStart = pos + 1;
                }
                prev = b;
            }
            assertThat(prev).as("ends with CRLF").isEqualTo('\n');
        }
    }

    private static byte[] readAll(MessageBytes bytes) throws IOException {
        try (InputStream in = bytes.open()) {
            return in.readAllBytes();
        }
    }

    private static String digest(MessageBytes bytes) throws IOException {
        return digest(bytes.open());
    }

    private static String digest(InputStream stream) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = stream) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return hex(d);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    /** Keeps the Base64 wrapper's close from closing the file, which gets more after it. */
    private static final class NoClose extends java.io.FilterOutputStream {
        NoClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
