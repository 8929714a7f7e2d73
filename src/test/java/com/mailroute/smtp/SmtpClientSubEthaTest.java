package com.mailroute.smtp;

import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.routing.NextHop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery to an independently written SMTP server (SubEthaSMTP). */
class SmtpClientSubEthaTest {

    static final byte[] MESSAGE = ("From: a@sender.test\r\nTo: header-to@other.test\r\nCc: header-cc@other.test\r\n"
            + "Subject: dots\r\nMessage-ID: <1@sender.test>\r\n\r\nfirst\r\n.\r\n.leading dot\r\n..two\r\nend\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private RecordingSmtpServer server;
    private SmtpClient client;
    private NextHop hop;

    @BeforeEach
    void start() throws IOException {
        server = new RecordingSmtpServer();
        client = new SmtpClient(SmtpFixtures.withTimeouts(SmtpFixtures.settings("relay.mailroute.test", TlsPolicy.NONE),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        hop = new NextHop("subetha.test", InetAddress.getByName("127.0.0.1"), server.port(), "transport");
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void deliverShouldUseTheEnvelopeNotTheHeadersAndKeepTheBytesExact() {
        HopResult result = client.deliver(hop, "bounces@sender.test", List.of("r1@rcpt.test", "r2@rcpt.test"),
                caps -> SmtpFixtures.asIs(MESSAGE));

        assertThat(result.allDelivered()).isTrue();
        assertThat(server.received()).singleElement().satisfies(m -> {
            assertThat(m.from()).isEqualTo("bounces@sender.test");
            assertThat(m.recipients()).containsExactly("r1@rcpt.test", "r2@rcpt.test");
            assertThat(new String(m.data(), StandardCharsets.US_ASCII)).isEqualTo(new String(MESSAGE, StandardCharsets.US_ASCII));
        });
    }

    @Test
    void twoDeliveriesShouldShareOneServerSession() {
        HopResult first = client.deliver(hop, "a@sender.test", List.of("r1@rcpt.test"), caps -> SmtpFixtures.asIs(MESSAGE));
        HopResult second = client.deliver(hop, "a@sender.test", List.of("r2@rcpt.test"), caps -> SmtpFixtures.asIs(MESSAGE));

        assertThat(first.allDelivered()).isTrue();
        assertThat(second.allDelivered()).isTrue();
        assertThat(second.connectionReused()).isTrue();
        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(0).sessionId()).isEqualTo(server.received().get(1).sessionId());
        assertThat(server.received().get(1).recipients()).containsExactly("r2@rcpt.test");
    }

    @Test
    void nullSenderShouldBeSentAsEmptyPath() {
        HopResult result = client.deliver(hop, "", List.of("r1@rcpt.test"), caps -> SmtpFixtures.asIs(MESSAGE));

        assertThat(result.allDelivered()).isTrue();
        assertThat(server.received()).singleElement().satisfies(m -> assertThat(m.from()).isEmpty());
    }

    @Test
    void concurrentDeliveriesToOneHopShouldEachGetTheirOwnConnection() throws Exception {
        java.util.concurrent.CountDownLatch bothPrepared = new java.util.concurrent.CountDownLatch(2);
        MessagePreparer waitForTheOther = caps -> {
            bothPrepared.countDown();
            try {
                bothPrepared.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return SmtpFixtures.asIs(MESSAGE);
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> client.deliver(hop, "a@sender.test", List.of("r1@rcpt.test"), waitForTheOther));
            var b = pool.submit(() -> client.deliver(hop, "a@sender.test", List.of("r2@rcpt.test"), waitForTheOther));

            assertThat(a.get().allDelivered()).isTrue();
            assertThat(b.get().allDelivered()).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(0).sessionId()).isNotEqualTo(server.received().get(1).sessionId());
    }
}
