package com.mailroute.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * Messages past the spool threshold (64 KB here) take the large-message path through every way in and every outcome:
 * spooled at the door, Artemis large messages on the broker, streamed back for delivery, rescheduled and dead-lettered
 * through the routes' producers, downloaded and retried from the dead-letter API. Each arrives byte for byte, and no
 * spool file is left behind. (Memory under a small heap is measured by bench/large-messages.sh.)
 */
class LargeMessageEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    RecordingSmtpServer smtp = new RecordingSmtpServer();
    RelayUnderTest relay;

    @BeforeEach
    void start() {
        relay = new RelayUnderTest(data, Map.of("mailroute.relayhost", smtp.hostPort(), "mailroute.message.spool-threshold", "64KB",
                "mailroute.retry.schedule", "1s", "mailroute.delay-warning", "0")).start();
    }

    @AfterEach
    void stop() {
        relay.stop();
        smtp.close();
    }

    /** A 3 MB message: a base64 attachment of random bytes, so any lost or moved byte shows. */
    private static byte[] message(String subject, long seed) {
        byte[] attachment = new byte[2_200_000];
        new Random(seed).nextBytes(attachment);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("From: shop@sender.test\r\nTo: big@one.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + seed + "@sender.test>\r\n"
                + "Date: Wed, 2 Dec 2026 04:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--b\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(attachment));
        out.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The message with this subject delivered to big@one.test (not a DSN about it). */
    private Transaction awaitSubject(String subject) {
        java.util.function.Predicate<Transaction> wanted = t -> t.recipients().equals(List.of("big@one.test"))
                && t.text().contains("Subject: " + subject + "\r\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.received().stream().anyMatch(wanted));
        return smtp.received().stream().filter(wanted).findFirst().orElseThrow();
    }

    /** What was sent is MailRoute's Received field followed by the message exactly as submitted. */
    private static void assertArrivedWhole(Transaction t, byte[] sent) {
        assertThat(t.data().length).isGreaterThan(sent.length);
        byte[] tail = Arrays.copyOfRange(t.data(), t.data().length - sent.length, t.data().length);
        assertThat(tail).as("the message after MailRoute's Received field").isEqualTo(sent);
        assertThat(new String(t.data(), 0, 10, StandardCharsets.US_ASCII)).isEqualTo("Received: ");
    }

    private void assertNoSpoolFileLeft() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> files = Files.walk(data.resolve("spool"))) {
                assertThat(files.filter(Files::isRegularFile).toList()).as("spool files left behind").isEmpty();
            }
        });
    }

    @Test
    void largeMessagesThroughHttpPickupAndJmsShouldArriveByteForByte() throws Exception {
        byte[] overHttp = message("over http", 1);
        byte[] throughPickup = message("through pickup", 2);
        byte[] overJms = message("over jms", 3);

        assertThat(relay.post("/api/messages?from=shop@sender.test&to=big@one.test", "message/rfc822", overHttp).statusCode()).isEqualTo(202);
        Path tmp = Files.write(relay.pickup().resolve(".writing"),
                concat("x-sender: shop@sender.test\r\nx-receiver: big@one.test\r\n".getBytes(StandardCharsets.US_ASCII), throughPickup));
        Files.move(tmp, relay.pickup().resolve("big.eml"));
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue("mailroute.submit"))) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(overJms);
            m.setStringProperty("MailFrom", "shop@sender.test");
            m.setStringProperty("RcptTo", "big@one.test");
            p.send(m);
        }

        assertArrivedWhole(awaitSubject("over http"), overHttp);
        assertArrivedWhole(awaitSubject("through pickup"), throughPickup);
        assertArrivedWhole(awaitSubject("over jms"), overJms);
        assertNoSpoolFileLeft();
    }

    @Test
    void aLargeMessageShouldBeRescheduledDeadLetteredDownloadedAndRetriedWhole() throws Exception {
        AtomicInteger tempFailures = new AtomicInteger();
        smtp.policy(d -> {
            String text = new String(d, 0, Math.min(d.length, 4000), StandardCharsets.US_ASCII);
            if (text.contains("Subject: later") && tempFailures.getAndIncrement() == 0) {
                return new RejectException(451, "4.3.0 try again later");
            }
            if (text.contains("Subject: refused") && !text.contains("multipart/report") && !retried) {
                return new RejectException(552, "5.3.4 message too big for this mailbox");
            }
            return null;
        });
        byte[] later = message("later", 4);
        byte[] refused = message("refused", 5);

        assertThat(relay.post("/api/messages?from=shop@sender.test&to=big@one.test", "message/rfc822", later).statusCode()).isEqualTo(202);
        assertArrivedWhole(awaitSubject("later"), later);
        assertThat(tempFailures.get()).as("refused once, then sent again from the rescheduled job").isEqualTo(2);

        assertThat(relay.post("/api/messages?from=shop@sender.test&to=big@one.test", "message/rfc822", refused).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(relay.get("/api/dead-letters").body()).size() == 1);
        JsonNode dead = JSON.readTree(relay.get("/api/dead-letters").body()).get(0);
        assertThat(dead.get("reply").asText()).isEqualTo("552 5.3.4 message too big for this mailbox");
        var download = relay.get("/api/dead-letters/" + dead.get("id").asText() + "/message");
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body().getBytes(StandardCharsets.ISO_8859_1)).as("the dead letter holds the queued message")
                .endsWith(refused);

        retried = true;
        assertThat(relay.request("POST", "/api/dead-letters/" + dead.get("id").asText() + "/retry", Map.of()).statusCode()).isEqualTo(200);
        assertArrivedWhole(awaitSubject("refused"), refused);
        assertNoSpoolFileLeft();
    }

    private volatile boolean retried;

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
