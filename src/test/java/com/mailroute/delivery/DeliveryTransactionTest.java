package com.mailroute.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * One delivery attempt is one broker transaction: the consumed job, the rescheduled rest, the dead letter and the DSN
 * are committed together or not at all. A failure after the SMTP transaction and before the commit (here: the broker
 * refusing the last write of the attempt) puts the job back: its recipients are sent again, never lost, and nothing
 * the failed attempt wrote survives it.
 */
class DeliveryTransactionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    RecordingSmtpServer smtp = new RecordingSmtpServer();
    RelayUnderTest relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop();
        }
        smtp.close();
    }

    @Test
    void aFailureBeforeTheCommitShouldResendTheJobAndKeepNoneOfTheFailedAttemptsWrites() throws Exception {
        smtp.rcptPolicy(r -> r.startsWith("gone@") ? new RejectException(550, "5.1.1 <" + r + ">: Recipient address rejected") : null);
        relay = new RelayUnderTest(data, Map.of("mailroute.relayhost", smtp.hostPort(), "mailroute.delay-warning", "0")).start();
        AtomicInteger dsnWrites = new AtomicInteger();
        // The DSN is the attempt's last write: fail the first one, after the job was delivered to one recipient and its
        // dead letter was written in the same transaction.
        AdviceWith.adviceWith(relay.camel(), "delivery", route -> route.interceptSendToEndpoint("jms:queue:mailroute.outbound")
                .when(route.header("WayIn").isEqualTo("internal"))
                .process(e -> {
                    if (dsnWrites.incrementAndGet() == 1) {
                        throw new IllegalStateException("simulated crash before the commit");
                    }
                }));

        var r = relay.post("/api/messages?from=shop@sender.test&to=kept@one.test&to=gone@one.test", "message/rfc822",
                "Subject: once\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).until(() -> smtp.received().stream().anyMatch(t -> t.from().isEmpty()));
        Thread.sleep(1500);   // anything the rolled-back attempt left behind would be delivered by now
        List<Transaction> toKept = smtp.received().stream().filter(t -> t.recipients().contains("kept@one.test")).toList();
        List<Transaction> dsns = smtp.received().stream().filter(t -> t.from().isEmpty()).toList();
        assertThat(dsnWrites.get()).as("the DSN write was tried again after the rollback").isEqualTo(2);
        assertThat(toKept).as("the job was put back and sent again: at least once").hasSize(2);
        assertThat(dsns).as("one DSN, from the attempt that committed").hasSize(1);
        assertThat(dsns.get(0).recipients()).containsExactly("shop@sender.test");
        assertThat(dsns.get(0).text()).contains("550 5.1.1 <gone@one.test>: Recipient address rejected");
        JsonNode dead = JSON.readTree(relay.get("/api/dead-letters").body());
        assertThat(dead).as("one dead letter: the rolled-back attempt's own was never committed").hasSize(1);
        assertThat(dead.get(0).get("recipients").get(0).asText()).isEqualTo("gone@one.test");
        assertThat(dead.get(0).get("reply").asText()).isEqualTo("550 5.1.1 <gone@one.test>: Recipient address rejected");
    }
}
