package com.mailroute.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.testsupport.DeliveryRig;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import com.mailroute.testsupport.TestDnsServer;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * The failure IIS 6 had: one message refused with 451 must never hold up the others, must be retried on
 * schedule, and must end as a dead letter carrying the server's own reply — across restarts too.
 */
class FailureHandlingEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QMAIL_451 = "451 See http://pobox.com/~djb/docs/smtplf.html.";

    @TempDir
    Path data;
    DeliveryRig rig;
    RecordingSmtpServer smtp;
    TestDnsServer dns;
    RelayUnderTest relay;

    @BeforeEach
    void start() {
        rig = new DeliveryRig(data,
                "qmail.test. IN MX 10 mx.qmail.test.",
                "mx.qmail.test. IN A 127.0.0.1",
                "sender.test. IN MX 10 mx.qmail.test.");
        smtp = rig.smtp();
        dns = rig.dns();
    }

    private RelayUnderTest relay(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of("mailroute.retry.schedule", "1s,2s", "mailroute.delay-warning", "0"));
        s.putAll(extra);
        return rig.start(s);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void oneRefusedMessageShouldNotBlockTheDomainAndShouldEndAsADeadLetterWithTheVerbatimReply() throws Exception {
        smtp.policy(data -> new String(data, StandardCharsets.ISO_8859_1).contains("BAD-ONE") ? new RejectException(451, "See http://pobox.com/~djb/docs/smtplf.html.") : null);
        relay = relay(Map.of("mailroute.queue.max-lifetime", "8s"));
        submit("shop@sender.test", "dylan@qmail.test", "Subject: BAD-ONE\r\n\r\nthe bad one\r\n");
        for (int i = 0; i < 100; i++) {
            submit("shop@sender.test", "customer" + i + "@qmail.test", "Subject: good " + i + "\r\n\r\nfine\r\n");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.received().size() >= 50);
        relay.stop();   // a restart in the middle changes nothing
        relay = relay(Map.of("mailroute.queue.max-lifetime", "8s"));

        await().atMost(Duration.ofSeconds(90)).until(() -> goodOnes().size() == 100);
        assertThat(smtp.rejectedCount()).isGreaterThanOrEqualTo(2);
        JsonNode dl = awaitDeadLetter();
        assertThat(dl.get("recipients").get(0).asText()).isEqualTo("dylan@qmail.test");
        assertThat(dl.get("replyCode").asInt()).isEqualTo(451);
        assertThat(dl.get("reply").asText()).isEqualTo(QMAIL_451);
        assertThat(dl.get("stage").asText()).isEqualTo("end of data");
        assertThat(dl.get("remoteHost").asText()).isEqualTo("mx.qmail.test [127.0.0.1]");
        assertThat(dl.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(dl.get("reason").asText()).contains("gave up");
        assertThat(dl.get("firstAttempt").asText()).isLessThan(dl.get("lastAttempt").asText());
        assertThat(new String(relay.get("/api/dead-letters/" + dl.get("id").asText() + "/message").body())).contains("the bad one");
    }

    @Test
    void permanentFailureShouldSendAnRfc3464DsnToTheSenderWithTheRemoteReply() throws Exception {
        smtp.policy(data -> new String(data, StandardCharsets.ISO_8859_1).contains("REFUSE-ME") && !isReport(data)
                ? new RejectException(554, "5.6.0 custom text from the next hop") : null);
        relay = relay(Map.of());
        submit("shop@sender.test", "dylan@qmail.test", "Subject: REFUSE-ME\r\nMessage-ID: <orig@sender.test>\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() == 1);
        Transaction dsn = smtp.received().get(0);
        assertThat(dsn.from()).isEmpty();
        assertThat(dsn.recipients()).containsExactly("shop@sender.test");
        MimeMessage report = new MimeMessage(null, new ByteArrayInputStream(dsn.data()));
        assertThat(report.getContentType()).contains("multipart/report").contains("delivery-status");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getBodyPart(0).getContent().toString()).contains("554 5.6.0 custom text from the next hop");
        String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(status).contains("Reporting-MTA: dns; relay.test").contains("Final-Recipient: rfc822; dylan@qmail.test")
                .contains("Action: failed").contains("Status: 5.6.0").contains("Remote-MTA: dns; mx.qmail.test")
                .contains("Diagnostic-Code: smtp; 554 5.6.0 custom text from the next hop");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("message/rfc822");
        JsonNode dl = awaitDeadLetter();
        assertThat(dl.get("stage").asText()).isEqualTo("end of data");
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.6.0");
    }

    @Test
    void noDsnShouldBeSentForANullSender() throws Exception {
        smtp.policy(data -> new RejectException(554, "5.6.0 refused"));
        relay = relay(Map.of());
        submit("", "dylan@qmail.test", "Subject: bounce of a bounce\r\n\r\nx\r\n");

        awaitDeadLetter();
        Thread.sleep(1500); // give a wrongly generated DSN the time to be attempted
        assertThat(smtp.rejectedCount()).isEqualTo(1);
        assertThat(JSON.readTree(relay.get("/api/dead-letters").body())).hasSize(1);
    }

    @Test
    void deadLettersShouldSurviveARestartAndBeRetriedAndDeletedThroughTheApi() throws Exception {
        smtp.policy(data -> new RejectException(550, "5.7.1 not today"));
        relay = relay(Map.of());
        submit("", "a@qmail.test", "Subject: first\r\n\r\nx\r\n");
        submit("", "b@qmail.test", "Subject: second\r\n\r\nx\r\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(relay.get("/api/dead-letters").body()).size() == 2);
        relay.stop();
        relay = relay(Map.of());
        List<JsonNode> dls = new ArrayList<>();
        JSON.readTree(relay.get("/api/dead-letters").body()).forEach(dls::add);
        assertThat(dls).hasSize(2);
        JsonNode first = dls.stream().filter(d -> d.get("recipients").get(0).asText().equals("a@qmail.test")).findFirst().orElseThrow();
        JsonNode second = dls.stream().filter(d -> d.get("recipients").get(0).asText().equals("b@qmail.test")).findFirst().orElseThrow();

        // The queue id from the logs and the DSN finds the message's dead letters too.
        assertThat(new String(relay.get("/api/dead-letters/" + second.get("queueId").asText() + "/message").body()))
                .contains("Subject: second");

        smtp.policy(data -> null);
        var retried = relay.request("POST", "/api/dead-letters/" + first.get("id").asText() + "/retry", Map.of());
        assertThat(retried.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() == 1);
        assertThat(smtp.received().get(0).recipients()).containsExactly("a@qmail.test");

        var deleted = relay.request("DELETE", "/api/dead-letters/" + second.get("id").asText(), Map.of());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(relay.get("/api/dead-letters").body())).isEmpty();
        assertThat(relay.request("DELETE", "/api/dead-letters/" + second.get("id").asText(), Map.of()).statusCode()).isEqualTo(404);
        assertThat(relay.get("/api/dead-letters/nope/message").statusCode()).isEqualTo(404);
        JsonNode q = JSON.readTree(relay.get("/api/queue").body());
        assertThat(q.get("dead").asInt()).isZero();
    }

    @Test
    void transientFailureShouldBeRetriedWithTheScheduleAndADelayWarningSent() throws Exception {
        smtp.policy(data -> new String(data, StandardCharsets.ISO_8859_1).contains("SLOW") && !isReport(data) && smtp.rejectedCount() < 3
                ? new RejectException(450, "4.2.0 mailbox busy") : null);
        relay = relay(Map.of("mailroute.retry.schedule", "1s", "mailroute.delay-warning", "1s"));
        submit("shop@sender.test", "slow@qmail.test", "Subject: SLOW\r\n\r\nx\r\n");

        await().atMost(Duration.ofSeconds(40)).until(() -> smtp.received().stream().anyMatch(t -> t.recipients().contains("slow@qmail.test")));
        List<Transaction> warnings = smtp.received().stream().filter(t -> t.recipients().contains("shop@sender.test")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).text()).contains("Action: delayed").contains("450 4.2.0 mailbox busy");
        assertThat(smtp.rejectedCount()).isEqualTo(3);
    }

    @Test
    void rcpt450ShouldRescheduleOnlyThatRecipientWithTheScheduledDelay() throws Exception {
        smtp.rcptPolicy(r -> r.startsWith("busy@") ? new RejectException(450, "4.2.1 <busy@qmail.test>: mailbox busy") : null);
        relay = relay(Map.of("mailroute.retry.schedule", "1h"));
        long before = System.currentTimeMillis();
        submit("", "busy@qmail.test", "Subject: busy\r\n\r\nx\r\n");
        var r = relay.post("/api/messages?from=%3C%3E&to=busy@qmail.test&to=free@qmail.test", "message/rfc822",
                "From: a@sender.test\r\nSubject: two\r\n\r\nx\r\n".getBytes());
        assertThat(r.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> scheduled().size() == 2);
        assertThat(smtp.received()).extracting(Transaction::recipients).containsExactly(List.of("free@qmail.test"));
        for (org.apache.activemq.artemis.core.server.MessageReference ref : scheduled()) {
            long delay = ref.getScheduledDeliveryTime() - before;
            assertThat(delay).isBetween(Duration.ofMinutes(54).toMillis(), Duration.ofMinutes(67).toMillis());
            assertThat(ref.getMessage().getStringProperty("RcptTo")).isEqualTo("busy@qmail.test");
            assertThat(ref.getMessage().getIntProperty("Attempts")).isEqualTo(1);
        }
        assertThat(JSON.readTree(relay.get("/api/dead-letters").body())).isEmpty();
    }

    private List<org.apache.activemq.artemis.core.server.MessageReference> scheduled() {
        var broker = relay.camel().getRegistry().lookupByNameAndType("embeddedBroker", com.mailroute.broker.EmbeddedBroker.class);
        return broker.server().getActiveMQServer()
                .locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of("mailroute.outbound")).getScheduledMessages();
    }

    private static boolean isReport(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1).contains("multipart/report");
    }

    private Set<String> goodOnes() {
        return smtp.received().stream().flatMap(t -> t.recipients().stream()).filter(r -> r.startsWith("customer")).collect(Collectors.toSet());
    }

    private void submit(String from, String to, String message) {
        var r = relay.post("/api/messages?from=" + (from.isEmpty() ? "%3C%3E" : from) + "&to=" + to, "message/rfc822",
                ("From: shop@sender.test\r\n" + message).getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private JsonNode awaitDeadLetter() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(relay.get("/api/dead-letters").body()).size() >= 1);
        return JSON.readTree(relay.get("/api/dead-letters").body()).get(0);
    }
}
