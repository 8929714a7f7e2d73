package com.mailroute.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import com.mailroute.routing.NextHop;
import com.mailroute.spool.FileBytes;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.Spools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** SMTP DATA from a spooled message: streamed from the file, dot-stuffed as from the heap, byte-identical on arrival. */
class SmtpClientSpooledTest {
    private static final Spool TINY = Spools.tiny();
    private RecordingSmtpServer server;
    private SmtpClient client;
    private NextHop hop;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = new RecordingSmtpServer();
        client = new SmtpClient(SmtpFixtures.withTimeouts(SmtpFixtures.settings("relay.mailroute.test", TlsPolicy.NONE),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)));
        hop = new NextHop("subetha.test", InetAddress.getByName("127.0.0.1"), server.port(), "transport");
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** Lines starting with dots, at and around the client's 64 KB read boundaries, and a last line without CRLF. */
    private static byte[] dotty(int size, Random random) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("From: a@sender.test\r\nTo: r@rcpt.test\r\nSubject: dots\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        while (out.size() < size) {
            int len = random.nextInt(120);
            StringBuilder line = new StringBuilder(random.nextInt(3) == 0 ? "." : "");
            for (int i = 0; i < len; i++) {
                line.append(".ab c".charAt(random.nextInt(5)));
            }
            out.writeBytes(line.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(".\r\n..\r\n.".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void aSpooledMessageShouldArriveAsTheSameBytesAsFromTheHeap() throws Exception {
        Random random = new Random(5);
        for (int size : new int[] {10, 200, 65_530, 65_536 * 3 + 17, 300_000}) {
            byte[] message = dotty(size, random);
            MessageBytes spooled = Spools.spooled(TINY, message);

            HopResult fromHeap = client.deliver(hop, "a@sender.test", List.of("r@rcpt.test"), caps -> SmtpFixtures.asIs(message));
            HopResult fromFile = client.deliver(hop, "a@sender.test", List.of("r@rcpt.test"), caps -> SmtpFixtures.asIs(spooled));

            assertThat(fromHeap.allDelivered()).isTrue();
            assertThat(fromFile.allDelivered()).isTrue();
            List<RecordingSmtpServer.Transaction> received = server.received();
            byte[] heapData = received.get(received.size() - 2).data();
            byte[] fileData = received.get(received.size() - 1).data();
            assertThat(fileData).as("size %d", size).isEqualTo(heapData);
            assertThat(new String(fileData, StandardCharsets.US_ASCII)).as("dot-unstuffed by the server").startsWith("From: a@sender.test");
            spooled.release();
        }
    }

    @Test
    void aFiftyMegabyteSpooledMessageShouldArriveByteIdentical() throws Exception {
        Path file = dir.resolve("large.eml");
        String expected = write(file, 50 << 20, new Random(50));
        MessageBytes queued = new Spools.StreamedOnly(new FileBytes(file, 0, Files.size(file), false));

        HopResult result = client.deliver(hop, "a@sender.test", List.of("r@rcpt.test"), caps -> SmtpFixtures.asIs(queued));

        assertThat(result.allDelivered()).as(String.valueOf(result.hostFailure())).isTrue();
        byte[] data = server.received().get(0).data();
        assertThat(data.length).isEqualTo(Files.size(file));
        assertThat(HexFormat.of().formatHex(sha256().digest(data))).isEqualTo(expected);
    }

    @Test
    void aConvertedCopyShouldBeDeletedAfterTheTransactionAndTheQueuedBytesKept() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), 64);
        byte[] message = dotty(1000, new Random(9));
        MessageBytes queued = Spools.spooled(spool, message);
        MessageBytes copy = Spools.spooled(spool, message);
        assertThat(Spools.files(spool)).isEqualTo(2);

        HopResult result = client.deliver(hop, "a@sender.test", List.of("r@rcpt.test"),
                caps -> new PreparedMessage(copy, false, false, "converted", copy));

        assertThat(result.allDelivered()).isTrue();
        assertThat(server.received().get(0).text()).as("as sent from the heap: a final CRLF added")
                .isEqualTo(new String(message, StandardCharsets.US_ASCII) + "\r\n");
        assertThat(Spools.files(spool)).as("the queued message's file only").isEqualTo(1);
        assertThat(StreamRead.bytes(queued)).isEqualTo(message);
        queued.release();
    }

    /** A message of 8-bit text lines (some starting with a dot) written to a file; returns the SHA-256 of the file. */
    private static String write(Path file, int size, Random random) throws IOException {
        MessageDigest d = sha256();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] head = "From: a@sender.test\r\nTo: r@rcpt.test\r\nSubject: large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            out.write(head);
            d.update(head);
            String[] words = {"Grüße", ".", "..", "Köln", "x", "€"};
            long written = head.length;
            StringBuilder line = new StringBuilder();
            while (written < size) {
                line.setLength(0);
                int n = 1 + random.nextInt(20);
                for (int i = 0; i < n; i++) {
                    line.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
                }
                byte[] b = line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
                out.write(b);
                d.update(b);
                written += b.length;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads spooled bytes through their stream (toByteArray of a test wrapper fails on purpose). */
    private static final class StreamRead {
        static byte[] bytes(MessageBytes b) throws IOException {
            try (var in = b.open()) {
                return in.readAllBytes();
            }
        }
    }
}
