package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way in, end to end through the real routes: what the next hop receives, and where refusals go. */
class IngressEndToEndTest {
    @TempDir
    Path data;
    RecordingSmtpServer smtp;
    RelayUnderTest relay;

    @BeforeEach
    void start() {
        smtp = new RecordingSmtpServer();
        relay = new RelayUnderTest(data, Map.of(
                "mailroute.transport.example.org", smtp.hostPort(),
                "mailroute.transport.example.net", smtp.hostPort())).start();
    }

    @AfterEach
    void stop() {
        relay.stop();
        smtp.close();
    }

    @Test
    void httpRfc822ShouldDeliverWithTheEnvelopeFromTheQueryNotTheHeaders() {
        byte[] msg = "From: header-from@example.com\r\nTo: header-to@example.org\r\nSubject: hi\r\n\r\nbody line\r\n".getBytes(StandardCharsets.US_ASCII);
        var response = relay.post("/api/messages?from=env@example.com&to=one@example.org&to=two@example.org", "message/rfc822", msg);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).matches("\\{\"id\":\"[0-9A-F]+\"}");
        Transaction t = awaitTransactions(1).get(0);
        assertThat(t.from()).isEqualTo("env@example.com");
        assertThat(t.recipients()).containsExactly("one@example.org", "two@example.org");
        assertThat(t.text()).contains("Subject: hi\r\n").contains("\r\n\r\nbody line\r\n");
    }

    @Test
    void httpShouldSplitOneMessageIntoOneJobPerRecipientDomain() {
        byte[] msg = "From: a@example.com\r\nSubject: split\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        relay.post("/api/messages?to=b@example.org&to=c@example.net&to=d@example.org", "message/rfc822", msg);

        List<Transaction> ts = awaitTransactions(2);
        assertThat(ts).extracting(Transaction::recipients).containsExactlyInAnyOrder(
                List.of("b@example.org", "d@example.org"), List.of("c@example.net"));
        assertThat(ts).extracting(Transaction::from).containsOnly("a@example.com");
    }

    @Test
    void httpJsonShouldBuildMultipartAlternativeUtf8Message() throws Exception {
        String json = "{\"from\":\"Shop <shop@example.com>\",\"to\":[\"Dylan <dylan@example.org>\"],\"bcc\":\"audit@example.net\","
                + "\"subject\":\"Grüße\",\"text\":\"Dear Dylan,\\nThank you\",\"html\":\"<p>Dear Dylan</p>\",\"headers\":{\"X-Order\":\"42\"}}";
        var response = relay.post("/api/messages", "application/json", json.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        List<Transaction> ts = awaitTransactions(2);
        Transaction toDylan = ts.stream().filter(t -> t.recipients().contains("dylan@example.org")).findFirst().orElseThrow();
        Transaction toAudit = ts.stream().filter(t -> t.recipients().contains("audit@example.net")).findFirst().orElseThrow();
        assertThat(toDylan.from()).isEqualTo("shop@example.com");
        var parsed = new jakarta.mail.internet.MimeMessage(null, new java.io.ByteArrayInputStream(toDylan.data()));
        assertThat(parsed.getSubject()).isEqualTo("Grüße");
        assertThat(parsed.getContentType()).startsWith("multipart/alternative");
        assertThat(parsed.getHeader("Message-ID")[0]).endsWith("@relay.test>");
        assertThat(parsed.getHeader("Date")).isNotNull();
        assertThat(parsed.getHeader("X-Order")[0]).isEqualTo("42");
        assertThat(parsed.getHeader("Bcc")).isNull();
        var alt = (jakarta.mail.internet.MimeMultipart) parsed.getContent();
        assertThat(alt.getBodyPart(0).getContent().toString().replace("\r\n", "\n")).isEqualTo("Dear Dylan,\nThank you");
        assertThat(alt.getBodyPart(1).getContent().toString()).isEqualTo("<p>Dear Dylan</p>");
        assertThat(toAudit.text()).doesNotContain("audit@example.net");
    }

    @Test
    void pickupShouldUseXSenderAndXReceiverLinesAndRemoveThem() throws Exception {
        writePickup("order.eml", "x-sender: app@example.com\r\nx-receiver: <dylan@example.org>\r\nx-receiver: ops@example.net\r\n"
                + "From: Shop <shop@example.com>\r\nTo: someone-else@example.org\r\nSubject: order\r\n\r\nDear Dylan,\r\n");

        List<Transaction> ts = awaitTransactions(2);
        assertThat(ts).extracting(Transaction::from).containsOnly("app@example.com");
        assertThat(ts).extracting(Transaction::recipients).containsExactlyInAnyOrder(List.of("dylan@example.org"), List.of("ops@example.net"));
        assertThat(ts.get(0).text()).doesNotContainIgnoringCase("x-sender").doesNotContainIgnoringCase("x-receiver").contains("Subject: order");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(relay.pickup().resolve("order.eml")));
    }

    @Test
    void pickupWithoutEnvelopeLinesShouldTakeTheEnvelopeFromHeaders() throws Exception {
        writePickup("plain.eml", "From: Shop <shop@example.com>\r\nTo: a@example.org, B <b@example.org>\r\nCc: c@example.net\r\n"
                + "Subject: headers\r\n\r\nhello\r\n");

        List<Transaction> ts = awaitTransactions(2);
        assertThat(ts).extracting(Transaction::from).containsOnly("shop@example.com");
        assertThat(ts).extracting(Transaction::recipients).containsExactlyInAnyOrder(List.of("a@example.org", "b@example.org"), List.of("c@example.net"));
    }

    @Test
    void pickupShouldIgnoreDotFilesWhileTheyAreBeingWritten() throws Exception {
        writePickup(".inprogress.eml", "From: a@example.com\r\nTo: b@example.org\r\n\r\nx\r\n");
        writePickup("done.eml", "From: a@example.com\r\nTo: done@example.org\r\n\r\nx\r\n");

        awaitTransactions(1);
        assertThat(Files.exists(relay.pickup().resolve(".inprogress.eml"))).isTrue();
        assertThat(smtp.received()).extracting(Transaction::recipients).containsExactly(List.of("done@example.org"));
    }

    @Test
    void jmsShouldAcceptBytesAndTextMessagesWithEnvelopeProperties() throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue("mailroute.submit"))) {
            BytesMessage bytes = s.createBytesMessage();
            bytes.writeBytes("From: x@example.com\r\nSubject: bytes\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII));
            bytes.setStringProperty("MailFrom", "jms@example.com");
            bytes.setStringProperty("RcptTo", "one@example.org, two@example.net");
            p.send(bytes);
            TextMessage text = s.createTextMessage("From: y@example.com\r\nTo: text@example.org\r\nSubject: text\r\n\r\nt\r\n");
            p.send(text);
        }

        List<Transaction> ts = awaitTransactions(3);
        assertThat(ts).filteredOn(t -> t.text().contains("Subject: bytes")).extracting(Transaction::from).containsOnly("jms@example.com");
        assertThat(ts).filteredOn(t -> t.text().contains("Subject: bytes")).extracting(Transaction::recipients)
                .containsExactlyInAnyOrder(List.of("one@example.org"), List.of("two@example.net"));
        assertThat(ts).filteredOn(t -> t.text().contains("Subject: text")).extracting(Transaction::from).containsOnly("y@example.com");
    }

    @Test
    void badHttpInputShouldGetA4xxThatNamesTheProblem() {
        assertError(relay.post("/api/messages", "message/rfc822", "From: a@example.com\r\nSubject: x\r\n\r\nx\r\n".getBytes()), 400, "no recipients");
        assertError(relay.post("/api/messages?to=not-an-address", "message/rfc822", "From: a@example.com\r\n\r\nx\r\n".getBytes()), 400, "'not-an-address' is not an address");
        assertError(relay.post("/api/messages?from=a@example.com&to=b@example.org", "message/rfc822", new byte[] {0, 1, 2, 3, (byte) 0xff, 0, 0, 7}), 400, "not a message");
        assertError(relay.post("/api/messages", "application/json", "{\"from\":\"a@example.com\",\"to\":\"b@example.org\",\"headers\":{\"X-Evil\":\"a\\r\\nBcc: victim@example.net\"}}".getBytes()), 400, "line break");
        assertError(relay.post("/api/messages", "application/json", "{\"from\":\"a@example.com\",\"to\":\"b@example.org\",\"subject\":\"a\\nBcc: v@example.net\"}".getBytes()), 400, "line break");
        assertError(relay.post("/api/messages", "application/json", "{not json".getBytes()), 400, "not valid JSON");
        assertError(relay.post("/api/messages", "text/plain", "x".getBytes()), 415, "unsupported Content-Type");
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void httpShouldAnswer413ForAMessageOverTheMaximumSize() {
        relay.stop();
        relay = new RelayUnderTest(data, Map.of("mailroute.message.max-size", "1KB", "mailroute.transport.example.org", smtp.hostPort())).start();
        byte[] big = ("From: a@example.com\r\nTo: b@example.org\r\n\r\n" + "x".repeat(2000) + "\r\n").getBytes();

        assertError(relay.post("/api/messages", "message/rfc822", big), 413, "larger than mailroute.message.max-size");
    }

    @Test
    void badPickupFileShouldMoveToBadmailWithItsReason() throws Exception {
        writePickup("norcpt.eml", "From: a@example.com\r\nSubject: nobody\r\n\r\nx\r\n");
        writePickup("garbage.bin", "\u0000\u0001\u0002binary");
        writePickup("empty.eml", "");

        Path reason = relay.badmail().resolve("norcpt.eml.reason");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(reason) && Files.exists(relay.badmail().resolve("garbage.bin.reason"))
                && Files.exists(relay.badmail().resolve("empty.eml.reason")));
        assertThat(Files.readString(relay.badmail().resolve("empty.eml.reason"))).contains("empty message");
        assertThat(Files.readString(reason)).contains("no recipients");
        assertThat(Files.readString(relay.badmail().resolve("garbage.bin.reason"))).contains("not a message");
        assertThat(Files.readString(relay.badmail().resolve("norcpt.eml"))).isEqualTo("From: a@example.com\r\nSubject: nobody\r\n\r\nx\r\n");
        assertThat(Files.exists(relay.pickup().resolve("norcpt.eml"))).isFalse();
    }

    @Test
    void badJmsSubmissionShouldGoToTheRejectedQueueWithAReason() throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            TextMessage m = s.createTextMessage("From: a@example.com\r\nSubject: x\r\n\r\nx\r\n");
            m.setStringProperty("RcptTo", "broken@@example.org");
            s.createProducer(s.createQueue("mailroute.submit")).send(m);
            MessageConsumer consumer = s.createConsumer(s.createQueue("mailroute.rejected"));
            Message rejected = consumer.receive(10_000);

            assertThat(rejected).isNotNull();
            assertThat(rejected.getStringProperty("Reason")).contains("broken@@example.org").contains("not an address");
            assertThat(((TextMessage) rejected).getText()).startsWith("From: a@example.com");
        }
    }

    @Test
    void messagesStillQueuedAtShutdownShouldBeDeliveredAfterRestart() throws Exception {
        relay.stop();
        relay = new RelayUnderTest(data, Map.of("mailroute.transport.example.org", smtp.hostPort(), "mailroute.retry.schedule", "2s")).start();
        smtp.policy(data -> new org.subethamail.smtp.RejectException(451, "4.3.0 try later"));
        for (int i = 0; i < 5; i++) {
            assertThat(relay.post("/api/messages?from=a@example.com&to=r" + i + "@example.org", "message/rfc822",
                    ("From: a@example.com\r\nSubject: persist " + i + "\r\n\r\nx\r\n").getBytes()).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.rejectedCount() >= 1);
        relay.stop();
        smtp.policy(data -> null);
        relay.start();

        List<Transaction> ts = awaitTransactions(5);
        assertThat(ts).extracting(t -> t.recipients().get(0))
                .containsExactlyInAnyOrder("r0@example.org", "r1@example.org", "r2@example.org", "r3@example.org", "r4@example.org");
    }

    private void assertError(java.net.http.HttpResponse<String> r, int status, String text) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).startsWith("{\"error\":").contains(text);
    }

    private void writePickup(String name, String content) throws Exception {
        Path tmp = relay.pickup().resolve("." + name + ".tmp");
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        if (name.startsWith(".")) {
            Files.move(tmp, relay.pickup().resolve(name));
        } else {
            Files.move(tmp, relay.pickup().resolve(name));
        }
    }

    private List<Transaction> awaitTransactions(int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.received().size() >= n);
        List<Transaction> ts = smtp.received();
        ts.sort(Comparator.comparing(Transaction::text));
        return ts;
    }
}
