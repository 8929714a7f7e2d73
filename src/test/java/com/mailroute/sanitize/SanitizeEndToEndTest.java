package com.mailroute.sanitize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * The IIS 6 / qmail failure end to end: a message written with bare LF, through every way in, to a
 * next hop that refuses bare LF with 451 as qmail did — it must arrive intact.
 */
class SanitizeEndToEndTest {
    private static final String SEED_BODY = "Dear Dylan,\nThankyou for ordering ...\n\nKind regards\n";

    @TempDir
    Path data;
    RecordingSmtpServer qmail;
    RelayUnderTest relay;

    @BeforeEach
    void start() {
        qmail = new RecordingSmtpServer();
        qmail.policy(bytes -> hasBareLineEnd(bytes) ? new RejectException(451, "See http://pobox.com/~djb/docs/smtplf.html.") : null);
        relay = new RelayUnderTest(data, Map.of("mailroute.transport.qmail.test", qmail.hostPort(), "mailroute.retry.schedule", "1h")).start();
    }

    @AfterEach
    void stop() {
        relay.stop();
        qmail.close();
    }

    @Test
    void bareLfMessageShouldReachAStrictServerIntactThroughEveryWayIn() throws Exception {
        String message = "From: shop@example.com\nTo: dylan@qmail.test\nSubject: Your order\n\n" + SEED_BODY;
        relay.post("/api/messages?to=dylan@qmail.test&from=shop@example.com", "message/rfc822", bytes(message.replace("Your order", "http")));
        Files.write(relay.pickup().resolve("order.eml"), bytes(message.replace("Your order", "pickup")));
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            s.createProducer(s.createQueue("mailroute.submit")).send(s.createTextMessage(message.replace("Your order", "jms")));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> qmail.received().size() == 3);
        assertThat(qmail.rejectedCount()).isZero();
        for (Transaction t : qmail.received()) {
            assertThat(t.text()).endsWith("\r\n\r\nDear Dylan,\r\nThankyou for ordering ...\r\n\r\nKind regards\r\n");
            assertThat(hasBareLineEnd(t.data())).isFalse();
        }
        assertThat(qmail.received()).extracting(t -> t.text().replaceAll("(?s).*Subject: (\\w+).*", "$1"))
                .containsExactlyInAnyOrder("http", "pickup", "jms");
    }

    @Test
    void smugglingAttemptsShouldArriveAsExactlyOneMessageWithTheInjectedTextAsText() throws Exception {
        String[] terminators = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n"};
        for (int i = 0; i < terminators.length; i++) {
            String body = "Hello" + terminators[i] + "MAIL FROM:<x@evil.test>\r\nRCPT TO:<victim" + i + "@qmail.test>\r\nDATA\r\n"
                    + "Subject: smuggled\r\n\r\nspoofed\r\n.\r\n";
            var r = relay.post("/api/messages?from=a@example.com&to=dylan@qmail.test", "message/rfc822",
                    bytes("From: a@example.com\r\nSubject: attempt " + i + "\r\n\r\n" + body));
            assertThat(r.statusCode()).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> qmail.received().size() == 4);
        Thread.sleep(1000);
        assertThat(qmail.received()).hasSize(4);
        assertThat(qmail.received()).allSatisfy(t -> {
            assertThat(t.recipients()).containsExactly("dylan@qmail.test");
            assertThat(t.text()).contains("MAIL FROM:<x@evil.test>").contains("spoofed");
        });
        assertThat(qmail.received()).noneMatch(t -> t.recipients().stream().anyMatch(r -> r.startsWith("victim")));
    }

    private static boolean hasBareLineEnd(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
                return true;
            }
            if (b[i] == '\r' && (i + 1 == b.length || b[i + 1] != '\n')) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
