package com.mailroute.mime;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedFileInputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Random;

import com.mailroute.spool.FileBytes;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.testsupport.Spools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 50 MB 8-bit message converted to 7-bit as a stream: written to a file, never built in the heap by the test, read
 * by the converter only through a wrapper that fails if anything reads it whole.
 */
class LargeMessageConversionTest {
    private static final String BOUNDARY = "=_large_boundary";
    @TempDir
    Path dir;

    @Test
    void aFiftyMegabyteEightBitMessageShouldBeConvertedTo7BitAsAStreamWithItsDecodedContentIntact() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), 512 * 1024);
        Path file = dir.resolve("large.eml");
        Expected expected = write(file, new Random(20261124L), 24 << 20, 22 << 20, 4 << 20);
        MessageBytes queued = new Spools.StreamedOnly(new FileBytes(file, 0, Files.size(file), false));
        assertThat(queued.size()).isGreaterThan(50L << 20);

        MessageNeeds needs = MessageNeeds.of(queued, "a@shop.example", java.util.List.of("b@example.net"), spool);
        Conversion conversion = new SevenBitConverter(false, spool).convert(queued);

        assertThat(needs.eightBit()).isTrue();
        assertThat(conversion.partsConverted()).isEqualTo(2);
        MessageBytes converted = conversion.bytes();
        assertThat(converted.inHeap()).isFalse();
        try (InputStream in = converted.open()) {
            assertSevenBitWireClean(in);
        }
        FileBytes out = (FileBytes) converted;
        try (SharedFileInputStream shared = new SharedFileInputStream(out.file().toFile())) {
            MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), shared.newStream(out.offset(), out.offset() + out.length()));
            MimeMultipart multipart = (MimeMultipart) parsed.getContent();
            assertThat(multipart.getCount()).isEqualTo(3);
            BodyPart text = multipart.getBodyPart(0);
            assertThat(text.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
            assertThat(digest(text.getInputStream())).isEqualTo(expected.text);
            BodyPart attachment = multipart.getBodyPart(1);
            assertThat(attachment.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
            assertThat(digest(attachment.getInputStream())).isEqualTo(expected.attachment);
            BodyPart binary = multipart.getBodyPart(2);
            assertThat(binary.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
            assertThat(digest(binary.getInputStream())).isEqualTo(expected.binary);
        }
        converted.release();
        assertThat(Spools.files(spool)).as("spool files left after release").isZero();
    }

    /** Digests of each part's decoded content. */
    private record Expected(String text, String attachment, String binary) {
    }

    /**
     * multipart/mixed: an 8bit UTF-8 text/plain part, a base64 application/octet-stream attachment, and an 8bit
     * application/octet-stream part of raw bytes (lines of at most 500 bytes, no CR or LF inside them).
     */
    private static Expected write(Path file, Random random, int textSize, int attachmentSize, int binarySize) throws IOException {
        MessageDigest text = sha256();
        MessageDigest attachment = sha256();
        MessageDigest binary = sha256();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ascii(out, "From: Shop <app@shop.example>\r\nTo: b@example.net\r\nSubject: large\r\nMessage-ID: <large@shop.example>\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + BOUNDARY + "\"\r\n\r\n"
                    + "--" + BOUNDARY + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            String[] words = {"Grüße", "aus", "Köln", "–", "3", "€", "pro", "Stück", ".", "naïve", "Ærø"};
            StringBuilder line = new StringBuilder();
            for (long written = 0; written < textSize; ) {
                line.setLength(0);
                int n = 1 + random.nextInt(25);
                for (int i = 0; i < n; i++) {
                    line.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
                }
                byte[] b = line.toString().getBytes(StandardCharsets.UTF_8);
                if (written > 0) {
                    text.update(new byte[] {'\r', '\n'});   // the CRLF before the delimiter belongs to the delimiter
                }
                out.write(b);
                ascii(out, "\r\n");
                text.update(b);
                written += b.length + 2;
            }
            ascii(out, "--" + BOUNDARY + "\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n");
            byte[] chunk = new byte[57 * 1000];
            Base64.Encoder mime = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});
            for (int written = 0; written < attachmentSize; written += chunk.length) {
                random.nextBytes(chunk);
                attachment.update(chunk);
                out.write(mime.encode(chunk));
                ascii(out, "\r\n");
            }
            ascii(out, "--" + BOUNDARY + "\r\nContent-Type: application/octet-stream; name=\"raw.bin\"\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n\r\n");
            byte[] row = new byte[500];
            for (int written = 0; written < binarySize; written += row.length + 2) {
                random.nextBytes(row);
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == '\r' || row[i] == '\n') {
                        row[i] = (byte) 0xFF;
                    }
                }
                if (written > 0) {
                    binary.update(new byte[] {'\r', '\n'});
                }
                out.write(row);
                ascii(out, "\r\n");
                binary.update(row);
            }
            ascii(out, "--" + BOUNDARY + "--\r\n");
        }
        HexFormat hex = HexFormat.of();
        return new Expected(hex.formatHex(text.digest()), hex.formatHex(attachment.digest()), hex.formatHex(binary.digest()));
    }

    private static void ascii(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest d = sha256();
        try (in) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** ASCII only, CRLF line ends, no line over 998 octets. */
    private static void assertSevenBitWireClean(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        long offset = 0;
        long lineStart = 0;
        int last = -1;
        for (int n; (n = in.read(buf)) > 0; ) {
            for (int i = 0; i < n; i++, offset++) {
                byte b = buf[i];
                assertThat(b >= 0).as("7-bit byte at offset %d", offset).isTrue();
                if (b == '\n') {
                    assertThat(last).as("CR before LF at offset %d", offset).isEqualTo('\r');
                    assertThat(offset - 1 - lineStart).as("line length at %d", lineStart).isLessThanOrEqualTo(998);
                    lineStart = offset + 1;
                }
                last = b;
            }
        }
        assertThat(last).isEqualTo('\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
