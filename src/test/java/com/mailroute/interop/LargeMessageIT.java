package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Large messages stream: the packaged relay with a 128 MB heap takes four 20 MB messages at once, one through each way
 * in (HTTP, pickup, JMS on the standalone Artemis peer, the SMTP listener), each for a next hop that announces 8BITMIME
 * (smtp-sink "sink") and one that does not (smtp-sink "seven", so the 8-bit text is converted on the way). Held whole
 * in the heap a few times each, as before, they could not fit. Everything must arrive: byte for byte where 8BITMIME
 * is announced, 7-bit with the same decoded content where it is not.
 */
class LargeMessageIT {
    private static final Duration DELIVERY = Duration.ofMinutes(4);
    private static final int MB = 1024 * 1024;
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay)
            .peerLog(peers.sinkLog("SINK")).peerLog(peers.sinkLog("SEVEN"));

    @BeforeAll
    static void startRelay() {
        relay = new RelayProcess("large-messages", peers, Map.of("mailroute.broker.url", peers.get("PEERS_ARTEMIS_URL"),
                "mailroute.broker.user", peers.get("PEERS_ARTEMIS_USER"), "mailroute.broker.password", peers.get("PEERS_ARTEMIS_PASSWORD"),
                "mailroute.message.max-size", "60MB")).maxHeap("128m").start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    /** About 20 MB: an 8-bit text part of 4 MB (quoted-printable for the 7-bit hop) and a 16 MB base64 attachment. */
    static byte[] message(String from, String subject, long seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(21 * MB);
        out.writeBytes(("From: " + from + "\r\nTo: Readers <readers@example.com>\r\nSubject: " + subject + "\r\nDate: Wed, 2 Dec 2026 04:00:00 +0000\r\n"
                + "Message-ID: <" + subject + "@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=b\"\r\n\r\n"
                + "--=b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] line = "Grüße aus Köln, ça va? Ünïcödé ÆØÅ text for the 7-bit next hop.\r\n".getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < 4 * MB; n += line.length) {
            out.writeBytes(line);
        }
        out.writeBytes("--=b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] attachment = new byte[12 * MB];
        new Random(seed).nextBytes(attachment);
        out.writeBytes(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(attachment));
        out.writeBytes("\r\n--=b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void fourLargeMessagesAtOnceShouldArriveWholeAtBothKindsOfNextHopFromA128MbHeap() throws Exception {
        String from = "large@" + peers.get("PEERS_DOMAIN_LENIENT");
        String eight = peers.get("PEERS_SINK_DOMAIN");
        String seven = peers.get("PEERS_SEVEN_DOMAIN");
        List<String> subjects = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        String[] ways = {"http", "pickup", "jms", "smtp"};
        for (int i = 0; i < ways.length; i++) {
            String subject = Run.token("large-" + ways[i]);
            byte[] m = message(from, subject, i);
            subjects.add(subject);
            messages.add(m);
            String way = ways[i];
            List<String> to = List.of("r-" + subject + "@" + eight, "r-" + subject + "@" + seven);
            senders.add(new Thread(() -> submit(way, from, to, m), "submit-" + way));
        }
        senders.forEach(Thread::start);
        for (Thread t : senders) {
            t.join();
        }

        for (int i = 0; i < ways.length; i++) {
            String subject = subjects.get(i);
            byte[] original = messages.get(i);
            byte[] atEight = arrived(peers.sinkDumps("SINK"), subject, original.length);
            byte[] atSeven = arrived(peers.sinkDumps("SEVEN"), subject, original.length);

            // smtp-sink writes LF line ends and an empty line after the message
            assertThat(endsWith(atEight, concat(RawMessage.lf(original), "\n".getBytes(StandardCharsets.US_ASCII))))
                    .as(ways[i] + ": byte for byte at the 8BITMIME hop").isTrue();
            assertThat(RawMessage.eightBitBytes(atSeven)).as(ways[i] + ": bytes >= 0x80 at the hop without 8BITMIME").isZero();
            assertThat(decodedDigests(atSeven)).as(ways[i] + ": decoded content at the hop without 8BITMIME")
                    .isEqualTo(decodedDigests(original));
        }
        assertThat(relay.logTail(100_000)).doesNotContain("OutOfMemoryError");
    }

    private void submit(String way, String from, List<String> to, byte[] message) {
        switch (way) {
            case "http" -> {
                var r = relay.post(from, to, message);
                assertThat(r.statusCode()).as("HTTP answer: " + r.body()).isEqualTo(202);
            }
            case "smtp" -> smtp(from, to, message);
            case "pickup" -> pickup(from, to, message);
            default -> WayIn.JMS.submit(relay, peers, from, String.join(",", to), message);
        }
    }

    /** A pickup file with one x-receiver line per recipient, renamed into pickup/ once written. */
    private void pickup(String from, List<String> to, byte[] message) {
        StringBuilder envelope = new StringBuilder("x-sender: <" + from + ">\r\n");
        to.forEach(r -> envelope.append("x-receiver: <").append(r).append(">\r\n"));
        try {
            java.nio.file.Path tmp = relay.pickupDir().resolve(".large.eml");
            try (OutputStream out = java.nio.file.Files.newOutputStream(tmp)) {
                out.write(envelope.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(message);
            }
            java.nio.file.Files.move(tmp, relay.pickupDir().resolve("large.eml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One SMTP transaction with MailRoute's listener; the message has no line starting with a dot. */
    private void smtp(String from, List<String> to, byte[] message) {
        try (Socket s = new Socket("127.0.0.1", relay.submissionPort())) {
            s.setSoTimeout(120_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO it.test", "250");
            command(out, in, "MAIL FROM:<" + from + "> BODY=8BITMIME SIZE=" + message.length, "250");
            for (String r : to) {
                command(out, in, "RCPT TO:<" + r + ">", "250");
            }
            command(out, in, "DATA", "354");
            out.write(message);
            command(out, in, ".", "250");
            command(out, in, "QUIT", "221");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void command(OutputStream out, InputStream in, String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    /** Reads one (possibly multi-line) reply and checks its code. */
    private static void expect(InputStream in, String code) throws IOException {
        while (true) {
            StringBuilder l = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                l.append((char) c);
            }
            assertThat(l.toString()).as("SMTP reply").startsWith(code);
            if (l.length() < 4 || l.charAt(3) != '-') {
                return;
            }
        }
    }

    /** The sink's copy of the message with this subject, once it is complete (the dump file grows as data arrives). */
    private static byte[] arrived(SinkDumps dumps, String subject, int originalLength) {
        return await("message " + subject + " complete in " + dumps).atMost(DELIVERY).pollInterval(Duration.ofSeconds(3))
                .until(() -> dumps.withSubject(subject).stream().map(SinkDumps.Dump::bytes).filter(b -> isComplete(b, originalLength))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
    }

    private static boolean isComplete(byte[] dump, int originalLength) {
        String tail = new String(dump, Math.max(0, dump.length - 20), Math.min(20, dump.length), StandardCharsets.US_ASCII);
        return dump.length > originalLength * 0.9 && tail.endsWith("--=b--\n\n");   // smtp-sink adds the empty line
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static boolean endsWith(byte[] all, byte[] end) {
        if (all.length < end.length) {
            return false;
        }
        for (int i = 0; i < end.length; i++) {
            if (all[all.length - end.length + i] != end[i]) {
                return false;
            }
        }
        return true;
    }

    /** Each leaf part's type and SHA-256 of its decoded bytes. */
    private static List<String> decodedDigests(byte[] message) throws Exception {
        List<String> out = new ArrayList<>();
        walk(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message)), out);
        return out;
    }

    private static void walk(Part p, List<String> out) throws Exception {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                walk(child, out);
            }
            return;
        }
        byte[] decoded;
        try (InputStream in = p.getInputStream()) {
            decoded = RawMessage.lf(in.readAllBytes());   // smtp-sink's copy has LF line ends, text parts decode to them
        }
        out.add(new jakarta.mail.internet.ContentType(p.getContentType()).getBaseType().toLowerCase(java.util.Locale.ROOT) + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(decoded)));
    }
}
