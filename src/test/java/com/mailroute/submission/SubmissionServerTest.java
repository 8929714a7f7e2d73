package com.mailroute.submission;

import org.junit.jupiter.api.io.TempDir;
import com.mailroute.spool.Spool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.mailroute.queue.JobQueue;
import com.mailroute.testsupport.SmtpWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listener's policy and replies, over a real socket from this JVM, with a recording sink in place of the
 * accept step. Loopback is made "untrusted" where a test needs a remote client (the policy's own decision on
 * addresses is tested in ClientPolicyTest).
 */
class SubmissionServerTest {
    @TempDir
    Path spoolDir;
    static final String PASSWORD = "s3cret pass";
    static final String HASH = "$6$testsalt$grUzJj6qt8WAnyqgh.MVvFJNyV8k88ZKKfbhqtmmmYERJiHXNih24QxG8kVuUt8ls4lCti8e7J0cDV5CU1MoM0";
    static final String MESSAGE = "From: App <app@example.com>\r\nTo: dylan@example.org\r\nSubject: hello\r\n\r\nDear Dylan,\r\n";

    final List<SubmittedMessage> received = new CopyOnWriteArrayList<>();
    Function<SubmittedMessage, Reply> answer = m -> new Reply(250, "2.0.0", "Ok: queued as Q" + received.size());
    SubmissionServer server;

    static SubmissionConfig config(boolean trustLoopback, boolean tls, String users) {
        Path res = Path.of("src/test/resources/submission");
        return new SubmissionConfig("127.0.0.1", 0, "relay.test", 10_000, 3, 5, Duration.ofSeconds(10), Duration.ofSeconds(10),
                new ClientPolicy(trustLoopback, List.of()), Users.parse(users), tls ? res.resolve("cert.pem") : null,
                tls ? res.resolve("key.pem") : null);
    }

    SmtpWire start(SubmissionConfig config) throws Exception {
        server = new SubmissionServer(config, new Spool(spoolDir, 1 << 20), m -> {
            received.add(m);
            return answer.apply(m);
        });
        server.start();
        return connect();
    }

    SmtpWire connect() throws Exception {
        SmtpWire c = new SmtpWire(server.port());
        String greeting = c.reply();
        assertThat(greeting).startsWith("220 relay.test ESMTP MailRoute");
        return c;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void ehloShouldOfferTheExtensionsAndAuthOnlyAfterStartTls() throws Exception {
        try (SmtpWire c = start(config(true, true, "app:" + HASH))) {
            assertThat(c.send("EHLO client.example")).isEqualTo(String.join("\n", "250-relay.test", "250-PIPELINING", "250-SIZE 10000",
                    "250-8BITMIME", "250-SMTPUTF8", "250-ENHANCEDSTATUSCODES", "250 STARTTLS"));
            assertThat(c.send("AUTH PLAIN " + plain("app", PASSWORD))).startsWith("538 5.7.11 ");
            c.startTls();
            assertThat(c.send("EHLO client.example")).isEqualTo(String.join("\n", "250-relay.test", "250-PIPELINING", "250-SIZE 10000",
                    "250-8BITMIME", "250-SMTPUTF8", "250-ENHANCEDSTATUSCODES", "250 AUTH PLAIN LOGIN"));
        }
    }

    @Test
    void loopbackClientShouldSubmitWithoutAuthAndGetTheAcceptStepsReply() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            c.send("EHLO client.example");
            assertThat(c.send("MAIL FROM:<app@example.com> SIZE=120 BODY=8BITMIME")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<dylan@example.org>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.send("RCPT TO:<Carol@Example.NET>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.send("DATA")).startsWith("354 ");
            c.write(MESSAGE.replace("\r\nDear", "\r\n..leading dot\r\nDear") + ".\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Bye");
        }
        SubmittedMessage m = received.get(0);
        assertThat(m.sender()).isEqualTo("app@example.com");
        assertThat(m.recipients()).containsExactly("dylan@example.org", "Carol@example.net");
        assertThat(new String(m.data().toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE.replace("\r\nDear", "\r\n.leading dot\r\nDear"));
        assertThat(m.client().protocol()).isEqualTo("ESMTP");
        assertThat(m.client().receivedFrom()).isEqualTo("client.example ([127.0.0.1])");
        assertThat(m.client().user()).isNull();
    }

    @Test
    void pipelinedCommandsShouldBeAnsweredInOrder() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            c.write("EHLO client.example\r\nMAIL FROM:<>\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<bad>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250-relay.test");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).startsWith("553 5.1.3 Bad recipient address syntax: 'bad' is not an address");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).startsWith("354 ");
            c.write(MESSAGE + ".\r\nMAIL FROM:<x@example.com>\r\nRSET\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).sender()).isEmpty();
        assertThat(received.get(0).recipients()).containsExactly("a@example.org", "b@example.org");
    }

    @Test
    void unauthenticatedRemoteClientShouldBeRefusedAtRcptAndNothingAccepted() throws Exception {
        try (SmtpWire c = start(config(false, true, "app:" + HASH))) {
            c.send("EHLO client.example");
            assertThat(c.send("MAIL FROM:<app@example.com>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<dylan@example.org>"))
                    .isEqualTo("554 5.7.1 <dylan@example.org>: Relay access denied: authenticate first (AUTH after STARTTLS)");
            assertThat(c.send("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients");
            assertThat(c.send("RSET")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void remoteClientShouldSubmitAfterStartTlsAndAuth() throws Exception {
        try (SmtpWire c = start(config(false, true, "app:" + HASH))) {
            c.send("EHLO client.example");
            c.startTls();
            c.send("EHLO client.example");
            assertThat(c.send("AUTH PLAIN " + plain("app", PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.send("MAIL FROM:<app@example.com> AUTH=<>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<dylan@example.org>")).isEqualTo("250 2.1.5 Ok");
            c.send("DATA");
            c.write(MESSAGE + ".\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        }
        assertThat(received.get(0).client().protocol()).isEqualTo("ESMTPSA");
        assertThat(received.get(0).client().user()).isEqualTo("app");
    }

    @Test
    void authLoginWithAWrongPasswordShouldFailAndTheThirdFailureClose() throws Exception {
        try (SmtpWire c = start(config(false, true, "app:" + HASH))) {
            c.send("EHLO client.example");
            c.startTls();
            c.send("EHLO client.example");
            for (int i = 1; i <= 2; i++) {
                assertThat(c.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
                assertThat(c.send(b64("app"))).isEqualTo("334 UGFzc3dvcmQ6");
                assertThat(c.send(b64("wrong"))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            }
            assertThat(c.send("MAIL FROM:<app@example.com>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<dylan@example.org>")).startsWith("554 5.7.1 ");
            c.send("RSET");
            assertThat(c.send("AUTH PLAIN " + plain("app", "nope"))).startsWith("421 4.7.0 relay.test Error: too many failed authentications");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void sizeShouldBeCheckedAtMailFromAndDuringData() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            c.send("EHLO client.example");
            assertThat(c.send("MAIL FROM:<app@example.com> SIZE=10001")).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size (10000 bytes)");
            c.send("MAIL FROM:<app@example.com>");
            c.send("RCPT TO:<dylan@example.org>");
            c.send("DATA");
            c.write(MESSAGE + "x".repeat(998) + "\r\n" + ("y".repeat(998) + "\r\n").repeat(10) + ".\r\n");
            assertThat(c.reply()).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size (10000 bytes)");
            // still in step: the next transaction works
            c.send("MAIL FROM:<app@example.com>");
            c.send("RCPT TO:<dylan@example.org>");
            c.send("DATA");
            c.write(MESSAGE + ".\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        }
        assertThat(received).hasSize(1);
    }

    @Test
    void recipientsOverTheLimitShouldGet452() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            c.send("EHLO client.example");
            c.send("MAIL FROM:<app@example.com>");
            for (int i = 1; i <= 3; i++) {
                assertThat(c.send("RCPT TO:<r" + i + "@example.org>")).isEqualTo("250 2.1.5 Ok");
            }
            assertThat(c.send("RCPT TO:<r4@example.org>")).isEqualTo("452 4.5.3 Error: too many recipients (at most 3 per message)");
        }
    }

    @Test
    void parametersAndAddressesShouldBeChecked() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            assertThat(c.send("HELO client.example")).isEqualTo("250 relay.test");
            assertThat(c.send("MAIL FROM:<app@example.com> RET=HDRS")).isEqualTo("555 5.5.4 Unsupported option: RET");
            assertThat(c.send("MAIL FROM:<app@example.com> BODY=BINARYMIME")).startsWith("555 5.5.4 Unsupported BODY type");
            assertThat(c.send("MAIL FROM:app@example.com")).isEqualTo("250 2.1.0 Ok"); // bare address tolerated
            assertThat(c.send("MAIL FROM:<app@example.com>")).isEqualTo("503 5.5.1 Error: nested MAIL command");
            assertThat(c.send("RCPT TO:<dylan@example.org> NOTIFY=NEVER")).isEqualTo("555 5.5.4 Unsupported option: NOTIFY");
            assertThat(c.send("RCPT TO:<dylan@example.org")).startsWith("501 5.5.4 Syntax: RCPT TO:<address>");
            assertThat(c.send("RCPT TO:<dÿlan@example.org>")).startsWith("553 5.6.7 ");
            assertThat(c.send("RCPT TO:<>")).startsWith("553 5.1.3 ");
            assertThat(c.send("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(c.send("MAIL FROM:<app@example.com> SMTPUTF8")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.send("RCPT TO:<dÿlan@example.org>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.send("DATA")).startsWith("354");
            c.write(MESSAGE + ".\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(c.send("VRFY dylan")).startsWith("252 2.5.2 ");
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(received.get(0).recipients()).containsExactly("dÿlan@example.org");
        assertThat(received.get(0).client().protocol()).isEqualTo("UTF8SMTP");
    }

    @Test
    void refusalAndBrokerFailureShouldBeAnsweredAsTheAcceptStepSays() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            c.send("EHLO client.example");
            answer = m -> new Reply(554, "5.6.0", "Message refused: not a message: it must start with a header field");
            c.write("MAIL FROM:<app@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            c.write("garbage\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("554 5.6.0 Message refused: not a message: it must start with a header field");
            answer = m -> {
                throw new JobQueue.BrokerUnavailableException("the broker did not commit the message: AMQ219007", null);
            };
            c.write("MAIL FROM:<app@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            c.reply();
            c.reply();
            c.reply();
            c.write(MESSAGE + ".\r\n");
            assertThat(c.reply()).isEqualTo("451 4.3.0 Message not queued, try again later: the broker did not commit the message: AMQ219007");
        }
    }

    /** Bare LF / bare CR sequences that some servers take as the end of data (SMTP smuggling). */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r.\n", "\r\n.\n", "\r\n.\r", "\n.\r", "\r.\r\n", "\r\n.\r\r\n"})
    void smugglingSequencesShouldNeitherEndTheDataNorStartASecondTransaction(String vector) throws Exception {
        String smuggled = "MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nsmuggled body\r\n";
        try (SmtpWire c = start(config(true, false, ""))) {
            c.write("EHLO client.example\r\nMAIL FROM:<app@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250-");
            c.reply();
            c.reply();
            assertThat(c.reply()).startsWith("354");
            c.write(MESSAGE + "first part" + vector + smuggled + ".\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(received).hasSize(1);
        String data = new String(received.get(0).data().toByteArray(), StandardCharsets.US_ASCII);
        assertThat(data).startsWith(MESSAGE + "first part").endsWith(smuggled);
        assertThat(received.get(0).recipients()).containsExactly("dylan@example.org");
    }

    @Test
    void shutdownShouldAnswer421ToIdleClientsAndLetABusyOneFinishWith250() throws Exception {
        CountDownLatch inAccept = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        answer = m -> {
            inAccept.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Reply(250, "2.0.0", "Ok: queued as Q1");
        };
        try (SmtpWire idle = start(config(true, false, "")); SmtpWire busy = connect()) {
            idle.send("EHLO idle.example");
            busy.write("EHLO busy.example\r\nMAIL FROM:<app@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            for (int i = 0; i < 4; i++) {
                busy.reply();
            }
            busy.write(MESSAGE + ".\r\n");
            assertThat(inAccept.await(10, TimeUnit.SECONDS)).isTrue();
            Thread stopper = new Thread(server::stop);
            stopper.start();
            assertThat(idle.reply()).isEqualTo("421 4.3.2 relay.test Service shutting down, closing transmission channel");
            release.countDown();
            assertThat(busy.reply()).isEqualTo("250 2.0.0 Ok: queued as Q1");
            assertThat(busy.reply()).startsWith("421 4.3.2 ");
            stopper.join(30_000);
            server = null;
        }
    }

    @Test
    void connectionsOverTheLimitShouldGet421() throws Exception {
        List<SmtpWire> open = new ArrayList<>();
        try {
            open.add(start(config(true, false, "")));
            for (int i = 1; i < 5; i++) {
                open.add(connect());
            }
            try (SmtpWire sixth = new SmtpWire(server.port())) {
                assertThat(sixth.reply()).isEqualTo("421 4.7.0 relay.test Too many connections, try again later");
            }
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (SmtpWire again = new SmtpWire(server.port())) {
                    assertThat(again.reply()).startsWith("220 ");
                }
            });
        } finally {
            for (SmtpWire c : open) {
                c.close();
            }
        }
    }

    @Test
    void aClientSlowerThanTheCommandTimeoutShouldBeCutOffWith421() throws Exception {
        SubmissionConfig slow = config(true, false, "");
        slow = new SubmissionConfig(slow.host(), 0, slow.hostName(), slow.maxMessageSize(), 3, 5, Duration.ofSeconds(10),
                Duration.ofMillis(700), slow.policy(), slow.users(), null, null);
        try (SmtpWire c = start(slow)) {
            c.write("EHLO client.example\r\nMAIL FROM:<app@example.com>\r\nRCPT TO:<dylan@example.org>\r\nDATA\r\n");
            for (int i = 0; i < 4; i++) {
                c.reply();
            }
            c.write(MESSAGE);
            Thread.sleep(400);
            c.write("more\r\n");
            assertThat(c.reply()).startsWith("421 4.4.2 relay.test Error: the message took longer than mailroute.submission.command-timeout");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void idleClientShouldBeDisconnectedAfterTheIdleTimeout() throws Exception {
        SubmissionConfig c0 = config(true, false, "");
        SubmissionConfig quick = new SubmissionConfig(c0.host(), 0, c0.hostName(), c0.maxMessageSize(), 3, 5, Duration.ofMillis(500),
                c0.commandTimeout(), c0.policy(), c0.users(), null, null);
        try (SmtpWire c = start(quick)) {
            assertThat(c.reply()).startsWith("421 ");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void bareLineFeedInACommandAndBdatShouldCloseTheConnection() throws Exception {
        try (SmtpWire c = start(config(true, false, ""))) {
            c.write("EHLO client.example\nMAIL FROM:<a@example.com>\r\n");
            assertThat(c.reply()).startsWith("501 ");
            assertThat(c.closedByServer()).isTrue();
        }
        try (SmtpWire c = connect()) {
            c.send("EHLO client.example");
            c.send("MAIL FROM:<app@example.com>");
            c.send("RCPT TO:<dylan@example.org>");
            assertThat(c.send("BDAT 20 LAST")).startsWith("502 5.5.1 BDAT is not offered");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(received).isEmpty();
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
