package com.mailroute.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.testsupport.DeliveryRig;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import com.mailroute.testsupport.TestDnsServer;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * Delivery by MX through the real routes: a DNS server and SMTP servers on loopback, the relay in this JVM.
 */
class DeliveryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    DeliveryRig rig;
    RecordingSmtpServer smtp;
    TestDnsServer dns;
    RelayUnderTest relay;

    @BeforeEach
    void start() {
        rig = new DeliveryRig(data,
                "example.test. IN MX 10 mx.example.test.",
                "mx.example.test. IN A 127.0.0.1",
                "sender.test. IN MX 10 mx.example.test.",
                "backup.test. IN MX 10 down.backup.test.",
                "backup.test. IN MX 20 mx.example.test.",
                "down.backup.test. IN A 127.0.0.23",
                "implicit.test. IN A 127.0.0.1",
                "nullmx.test. IN MX 0 .",
                "broken.test. IN MX 10 mx.broken.test.",
                "mx.broken.test. IN A 127.0.0.1",
                "xn--bcher-kva.test. IN MX 10 mx.example.test.");
        smtp = rig.smtp();
        dns = rig.dns();
        dns.servfail("broken.test.");
        relay = relay(Map.of());
    }

    private RelayUnderTest relay(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of("mailroute.retry.schedule", "1s", "mailroute.smtp.connect-timeout", "2s"));
        s.putAll(extra);
        return rig.start(s);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void deliverShouldUseTheMxHostAndTheJobsEnvelope() {
        submit("app@sender.test", List.of("dylan@example.test"), "Subject: mx\r\n\r\nhello\r\n");

        Transaction t = awaitReceived(1).get(0);
        assertThat(t.from()).isEqualTo("app@sender.test");
        assertThat(t.recipients()).containsExactly("dylan@example.test");
    }

    @Test
    void deliverShouldMoveToTheNextMxWhenTheFirstRefusesConnections() {
        submit("app@sender.test", List.of("a@backup.test"), "Subject: second mx\r\n\r\nx\r\n");

        assertThat(awaitReceived(1).get(0).recipients()).containsExactly("a@backup.test");
    }

    @Test
    void deliverShouldUseTheDomainsOwnAddressWithoutMx() {
        submit("app@sender.test", List.of("a@implicit.test"), "Subject: implicit\r\n\r\nx\r\n");

        assertThat(awaitReceived(1).get(0).recipients()).containsExactly("a@implicit.test");
    }

    @Test
    void deliverShouldLookUpIdnDomainsInALabelForm() {
        submit("app@sender.test", List.of("leser@bücher.test"), "Subject: idn\r\n\r\nx\r\n");

        assertThat(awaitReceived(1).get(0).recipients()).containsExactly("leser@xn--bcher-kva.test");
    }

    @Test
    void addressLiteralRecipientShouldBeDeliveredToThatAddressWithoutDns() {
        int before = dns.totalQueries();
        submit("", List.of("postmaster@[127.0.0.1]"), "Subject: literal\r\n\r\nx\r\n");

        assertThat(awaitReceived(1).get(0).recipients()).containsExactly("postmaster@[127.0.0.1]");
        assertThat(dns.totalQueries()).isEqualTo(before);
    }

    @Test
    void eightBitMessageShouldBeConvertedForAHostWithout8BitMime() throws Exception {
        smtp.strictSevenBit();
        String inner = "From: inner@sender.test\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nInnen: Grüße aus Köln\r\n";
        String msg = "From: app@sender.test\r\nSubject: Größe\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                + "--outer\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDear Dylan, ça va?\r\n"
                + "--outer\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + inner
                + "--outer--\r\n";
        submit("app@sender.test", List.of("domino@example.test"), msg);

        Transaction t = awaitReceived(1).get(0);
        for (byte b : t.data()) {
            assertThat(b & 0xFF).isLessThan(0x80);
        }
        MimeMessage parsed = new MimeMessage(null, new ByteArrayInputStream(t.data()));
        assertThat(parsed.getSubject()).isEqualTo("Größe");
        MimeMultipart mp = (MimeMultipart) parsed.getContent();
        assertThat(((String) mp.getBodyPart(0).getContent())).isEqualTo("Dear Dylan, ça va?");
        MimeMessage innerParsed = (MimeMessage) mp.getBodyPart(1).getContent();
        assertThat(((MimeBodyPart) mp.getBodyPart(1)).getEncoding()).isEqualTo("7bit");
        assertThat((String) innerParsed.getContent()).isEqualTo("Innen: Grüße aus Köln");
        assertThat(relay.get("/observe/metrics").body()).containsPattern("mailroute_converted_8bit_to_7bit_total\\{domain=\"example.test\"} 1.0");
    }

    @Test
    void eightBitMessageShouldPassUnchangedToAHostWith8BitMime() {
        String body = "Dear Dylan, ça va?\r\n";
        submit("app@sender.test", List.of("a@example.test"), "Subject: plain\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + body);

        assertThat(awaitReceived(1).get(0).text()).endsWith("\r\n\r\n" + body);
    }

    @Test
    void signedEightBitMessageShouldBeADeadLetterWith563InsteadOfBreakingTheSignature() throws Exception {
        smtp.strictSevenBit();
        String msg = "From: app@sender.test\r\nSubject: signed\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"s\"\r\n\r\n"
                + "--s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n"
                + "--s\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--s--\r\n";
        submit("", List.of("a@example.test"), msg);

        JsonNode dl = awaitDeadLetters(1).get(0);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.6.3");
        assertThat(dl.get("reason").asText()).contains("signature");
        assertThat(dl.get("stage").asText()).isEqualTo("policy");
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void refusedRecipientShouldNotStopTheOthers() throws Exception {
        smtp.rcptPolicy(r -> r.startsWith("nobody@") ? new RejectException(550, "5.1.1 <nobody@example.test>: Recipient address rejected: User unknown") : null);
        submit("", List.of("one@example.test", "nobody@example.test", "two@example.test"), "Subject: three\r\n\r\nx\r\n");

        Transaction t = awaitReceived(1).get(0);
        assertThat(t.recipients()).containsExactly("one@example.test", "two@example.test");
        JsonNode dl = awaitDeadLetters(1).get(0);
        assertThat(dl.get("recipients")).hasSize(1);
        assertThat(dl.get("recipients").get(0).asText()).isEqualTo("nobody@example.test");
        assertThat(dl.get("replyCode").asInt()).isEqualTo(550);
        assertThat(dl.get("reply").asText()).isEqualTo("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown");
        assertThat(dl.get("stage").asText()).isEqualTo("rcpt");
        assertThat(dl.get("remoteHost").asText()).isEqualTo("mx.example.test [127.0.0.1]");
    }

    @Test
    void nullMxShouldBeADeadLetterWith5110() throws Exception {
        submit("", List.of("a@nullmx.test"), "Subject: null\r\n\r\nx\r\n");

        JsonNode dl = awaitDeadLetters(1).get(0);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.1.10");
        assertThat(dl.get("reason").asText()).contains("null MX");
        assertThat(dl.get("stage").asText()).isEqualTo("dns");
    }

    @Test
    void nxdomainShouldBeADeadLetterWith512() throws Exception {
        submit("", List.of("a@nowhere.test"), "Subject: nx\r\n\r\nx\r\n");

        JsonNode dl = awaitDeadLetters(1).get(0);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.1.2");
        assertThat(dl.get("domain").asText()).isEqualTo("nowhere.test");
    }

    @Test
    void servfailShouldBeRescheduledNotDeadLettered() throws Exception {
        relay.stop();
        relay = relay(Map.of("mailroute.retry.schedule", "1h"));
        submit("", List.of("a@broken.test"), "Subject: servfail\r\n\r\nx\r\n");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode q = JSON.readTree(relay.get("/api/queue").body());
            assertThat(q.get("scheduled").asInt()).isEqualTo(1);
            assertThat(q.get("byDomain").get("broken.test").get("scheduled").asInt()).isEqualTo(1);
        });
        assertThat(JSON.readTree(relay.get("/api/dead-letters").body())).isEmpty();
    }

    @Test
    void perDomainLimitShouldKeepConcurrentDeliveriesToADomainWithinIt() {
        relay.stop();
        relay = relay(Map.of("mailroute.delivery.max-per-domain", "1", "mailroute.delivery.consumers", "4"));
        smtp.slowData(300);
        for (int i = 0; i < 6; i++) {
            submit("", List.of("r" + i + "@example.test"), "Subject: limited " + i + "\r\n\r\nx\r\n");
        }

        assertThat(awaitReceived(6)).hasSize(6);
        assertThat(smtp.maxConcurrentData()).isEqualTo(1);
    }

    private void submit(String from, List<String> to, String message) {
        StringBuilder q = new StringBuilder("/api/messages?from=" + (from.isEmpty() ? "%3C%3E" : from));
        to.forEach(t -> q.append("&to=").append(java.net.URLEncoder.encode(t, StandardCharsets.UTF_8)));
        var r = relay.post(q.toString(), "message/rfc822", message.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private List<Transaction> awaitReceived(int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() >= n);
        return smtp.received();
    }

    private List<JsonNode> awaitDeadLetters(int n) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(relay.get("/api/dead-letters").body()).size() >= n);
        List<JsonNode> out = new java.util.ArrayList<>();
        JSON.readTree(relay.get("/api/dead-letters").body()).forEach(out::add);
        return out;
    }
}
