package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import com.mailroute.testsupport.SmtpWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP way in through MailRoute's own configuration and routes: route ingress-smtp, the accept step, the broker, delivery. */
class SmtpIngressEndToEndTest {
    @TempDir
    Path data;
    RecordingSmtpServer nextHop;
    RelayUnderTest relay;

    void start(Map<String, String> settings) {
        nextHop = new RecordingSmtpServer();
        java.util.Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("mailroute.transport.example.org", nextHop.hostPort());
        relay = new RelayUnderTest(data, all).start();
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop();
        }
        nextHop.close();
    }

    SmtpWire connect() throws Exception {
        SmtpWire c = new SmtpWire(Integer.parseInt(relay.setting("mailroute.submission.port")));
        assertThat(c.reply()).startsWith("220 relay.test ESMTP MailRoute");
        return c;
    }

    @Test
    void aMessageShouldBeQueuedAnswered250WithItsIdAndDeliveredSanitizedWithTheClientInReceived() throws Exception {
        start(Map.of());
        String queueId;
        try (SmtpWire c = connect()) {
            c.write("EHLO app.example\r\nMAIL FROM:<shop@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            for (int i = 0; i < 4; i++) {
                c.reply();
            }
            // the seed case over SMTP: bare LF line ends everywhere
            c.write("From: Shop <shop@example.com>\nTo: dylan@example.org\nSubject: Your order\n\nDear Dylan,\n.\nKind regards\n\r\n.\r\n");
            String reply = c.reply();
            assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
            queueId = reply.substring("250 2.0.0 Ok: queued as ".length());
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Bye");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
        Transaction t = nextHop.received().get(0);
        assertThat(t.from()).isEqualTo("shop@example.com");
        assertThat(t.recipients()).containsExactly("dylan@example.org");
        assertThat(t.text()).startsWith("Received: from app.example ([127.0.0.1]) by relay.test (MailRoute) with ESMTP\r\n\tid " + queueId + "; ")
                .contains("\r\nSubject: Your order\r\n").endsWith("\r\n\r\nDear Dylan,\r\n.\r\nKind regards\r\n\r\n")
                .doesNotContain("\r\n\n").doesNotMatch("(?s).*[^\r]\n.*");
    }

    @Test
    void aRefusedMessageShouldGet5xxNamingTheReasonAndNothingBeDelivered() throws Exception {
        start(Map.of("mailroute.sender.allowed-domains", "example.com"));
        try (SmtpWire c = connect()) {
            c.write("EHLO app.example\r\nMAIL FROM:<shop@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            for (int i = 0; i < 4; i++) {
                c.reply();
            }
            c.write("\u0001\u0002\u0003\u0004binary\u0005\u0006\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("554 5.6.0 Message refused: not a message: binary data (6 control bytes in the first 14)");
            c.write("MAIL FROM:<other@example.net>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            for (int i = 0; i < 3; i++) {
                c.reply();
            }
            c.write("Subject: x\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("550 5.7.1 Message refused: sender <other@example.net> is not allowed: its domain is not in"
                    + " mailroute.sender.allowed-domains");
        }
        Thread.sleep(500);
        assertThat(nextHop.received()).isEmpty();
    }

    @Test
    void withTheBrokerUnreachableTheClientShouldGet451AndKeepTheMessage() throws Exception {
        start(Map.of("mailroute.broker.url", "tcp://127.0.0.1:" + RelayUnderTest.freePort() + "?reconnectAttempts=0&initialConnectAttempts=1"));
        try (SmtpWire c = connect()) {
            c.write("EHLO app.example\r\nMAIL FROM:<shop@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            for (int i = 0; i < 4; i++) {
                c.reply();
            }
            c.write("Subject: x\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).startsWith("451 4.3.0 Message not queued, try again later: the broker did not commit the message: ");
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(nextHop.received()).isEmpty();
    }

    @Test
    void stoppingTheRelayShouldAnswer421ToAConnectedClient() throws Exception {
        start(Map.of());
        try (SmtpWire c = connect()) {
            c.send("EHLO app.example");
            relay.stop();
            relay = null;
            assertThat(c.reply()).isEqualTo("421 4.3.2 relay.test Service shutting down, closing transmission channel");
        }
    }

    @Test
    void portZeroShouldSwitchTheListenerOff() throws Exception {
        start(Map.of("mailroute.submission.port", "0"));
        assertThat(relay.camel().getRouteController().getRouteStatus("ingress-smtp").isStarted()).isTrue();
        // the route runs, but no listener thread does
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).noneMatch(n -> n.startsWith("smtp-submission-"));
    }
}
