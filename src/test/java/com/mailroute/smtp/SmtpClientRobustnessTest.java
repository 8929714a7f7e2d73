package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pool, protocol and resource behaviour found in review: TLS policy per pooled connection, MX walk, leaks, 421. */
class SmtpClientRobustnessTest {
    private static final byte[] MESSAGE = "From: a@s.test\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    private ScriptedSmtpServer server;

    @BeforeEach
    void start() throws IOException { server = new ScriptedSmtpServer(); }

    @AfterEach
    void stop() throws IOException { server.close(); }

    private SmtpSettings settings(java.util.function.Function<String, TlsPolicy> policy) {
        return new SmtpSettings("relay.test", Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2),
                10, Duration.ofSeconds(60), policy);
    }

    private NextHop hop(String host) throws IOException {
        return new NextHop(host, InetAddress.getByName("127.0.0.1"), server.port(), "transport");
    }

    /** Host "secure.test" requires TLS; a plain connection opened for "plain.test" (same IP:port) must not be reused for it. */
    @Test
    void pooledPlainConnectionShouldNeverCarryMailForAHostThatRequiresTls() throws IOException {
        try (SmtpClient client = new SmtpClient(settings(h -> h.equals("secure.test") ? TlsPolicy.ENCRYPT : TlsPolicy.NONE))) {
            // baseline: a fresh connection to secure.test is refused (no STARTTLS offered)
            HopResult alone = client.deliver(hop("secure.test"), "a@s.test", List.of("x@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            assertThat(alone.hostFailure().stage()).isEqualTo(SmtpStage.STARTTLS);

            HopResult plain = client.deliver(hop("plain.test"), "a@s.test", List.of("x@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            HopResult secure = client.deliver(hop("secure.test"), "a@s.test", List.of("y@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            assertThat(plain.allDelivered()).isTrue();
            assertThat(secure.connectionReused()).isFalse();
            assertThat(secure.allDelivered()).isFalse();
            assertThat(secure.hostFailure().stage()).isEqualTo(SmtpStage.STARTTLS);
        }
    }

    /** A 554 greeting is one host's verdict, not the domain's: the next MX is tried (as Postfix does). */
    @Test
    void greeting554ShouldLetTheNextMxBeTried() throws IOException {
        server.greeting = "554 5.3.2 mx1 is misconfigured";
        try (SmtpClient client = new SmtpClient(settings(h -> TlsPolicy.NONE))) {
            HopResult r = client.deliver(hop("mx1.test"), "a@s.test", List.of("x@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            assertThat(r.hostFailure().permanent()).isTrue();
            assertThat(r.hostFailure().reply().text()).isEqualTo("554 5.3.2 mx1 is misconfigured");
            assertThat(r.tryNextHost()).isTrue();
        }
    }

    /** An Error escaping the preparer must not leak the socket: the connection is closed with QUIT. */
    @Test
    void errorInPreparerShouldCloseTheConnection() throws Exception {
        SmtpClient client = new SmtpClient(settings(h -> TlsPolicy.NONE));
        assertThatThrownBy(() -> client.deliver(hop("mx.test"), "a@s.test", List.of("x@r.test"), c -> { throw new StackOverflowError(); }))
                .isInstanceOf(StackOverflowError.class);
        client.close();
        Thread.sleep(300);
        assertThat(server.commandsStartingWith("QUIT")).hasSize(1);
    }

    /** Every write schedules a timeout task on the client's timer; cancelled ones must not stay queued for the data timeout. */
    @Test
    void cancelledWriteTimeoutTasksShouldNotPileUpInTheTimer() throws Exception {
        SmtpSettings s = new SmtpSettings("relay.test", Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMinutes(10),
                1, Duration.ofSeconds(60), h -> TlsPolicy.NONE);
        try (SmtpClient client = new SmtpClient(s)) {
            for (int i = 0; i < 50; i++) {
                client.deliver(hop("mx.test"), "a@s.test", List.of("x@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            }
            Field f = SmtpClient.class.getDeclaredField("timer");
            f.setAccessible(true);
            ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) f.get(client);
            assertThat(timer.getQueue().size()).isLessThan(5);
        }
    }

    /** After a 421 to RCPT the server is closing: no message, every recipient carries the 421, the connection is dropped. */
    @Test
    void a421AtRcptShouldEndTheTransactionWithThatReplyForEveryRecipient() throws IOException {
        server.rcptReply = r -> r.contains("x@") ? "421 4.3.2 closing, try later" : "250 2.1.5 Ok";
        try (SmtpClient client = new SmtpClient(settings(h -> TlsPolicy.NONE))) {
            HopResult r = client.deliver(hop("mx.test"), "a@s.test", List.of("x@r.test", "y@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            HopResult next = client.deliver(hop("mx.test"), "a@s.test", List.of("y@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
            assertThat(server.messages).hasSize(1);   // the next delivery's, on a new connection
            assertThat(next.connectionReused()).isFalse();
            assertThat(r.recipients()).allSatisfy(rr -> {
                assertThat(rr.delivered()).isFalse();
                assertThat(rr.reply().text()).isEqualTo("421 4.3.2 closing, try later");
            });
        }
    }

    /** Many threads, one hop, short max-idle so the sweeper runs: every message arrives once, no failures. */
    @Test
    void concurrentDeliveriesWithTheIdleSweeperShouldDeliverEveryMessageOnce() throws Exception {
        SmtpSettings s = new SmtpSettings("relay.test", Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
                5, Duration.ofMillis(50), h -> TlsPolicy.NONE);
        AtomicInteger failed = new AtomicInteger();
        try (SmtpClient client = new SmtpClient(s)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        try {
                            HopResult r = client.deliver(hop("mx.test"), "a@s.test", List.of("x@r.test"), c -> SmtpFixtures.asIs(MESSAGE));
                            if (!r.allDelivered()) failed.incrementAndGet();
                            if (i % 5 == 0) Thread.sleep(60);
                        } catch (Exception e) { failed.incrementAndGet(); }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
        }
        assertThat(failed).hasValue(0);
        assertThat(server.messages).hasSize(200);
    }
}
