package com.mailroute.ingress;

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
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the embedded broker a JMS submission goes straight to mailroute.outbound and is accepted by the delivery route
 * in one transaction with what that writes: a message for one domain is attempted at once (its job never written to
 * the broker), and a failure before the commit sends it again, never loses it; a message for several domains has its
 * jobs queued, and a failure writing the second keeps neither and brings the submission back whole (these fail when
 * the route's producers write outside the consumer's session).
 */
class JmsIngressTransactionTest {
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
    void aFailureWritingTheSecondJobShouldKeepNeitherJobAndAcceptTheSubmissionAgainWhole() throws Exception {
        relay = new RelayUnderTest(data, Map.of("mailroute.relayhost", smtp.hostPort())).start();
        AtomicInteger jobWrites = new AtomicInteger();
        AdviceWith.adviceWith(relay.camel(), "delivery", route -> route.interceptSendToEndpoint("jms:queue:mailroute.outbound*")
                .process(e -> {
                    if (jobWrites.incrementAndGet() == 2) {
                        throw new IllegalStateException("simulated failure writing the second job");
                    }
                }));

        submit("one@example.org, two@example.net", "twice?");

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() >= 2);
        // the redelivered submission is accepted with both its jobs (writes 3 and 4); give a kept first job time to show
        await().atMost(Duration.ofSeconds(10)).until(() -> jobWrites.get() >= 4);
        Thread.sleep(1500);
        List<Transaction> received = smtp.received();
        assertThat(received).extracting(Transaction::recipients)
                .containsExactlyInAnyOrder(List.of("one@example.org"), List.of("two@example.net"));
        assertThat(jobWrites.get()).isEqualTo(4);
    }

    @Test
    void aSubmissionForOneDomainShouldBeSentWithoutAJobWrittenAndSentAgainWhenTheAttemptFailsBeforeTheCommit() throws Exception {
        relay = new RelayUnderTest(data, Map.of("mailroute.relayhost", smtp.hostPort())).start();
        AtomicInteger jobWrites = new AtomicInteger();
        AtomicInteger attemptsEnded = new AtomicInteger();
        AdviceWith.adviceWith(relay.camel(), "ingress-jms", route -> route.interceptSendToEndpoint("jms:queue:mailroute.outbound*")
                .process(e -> jobWrites.incrementAndGet()));
        AdviceWith.adviceWith(relay.camel(), "delivery", route -> {
            route.interceptSendToEndpoint("jms:queue:mailroute.outbound*").process(e -> jobWrites.incrementAndGet());
            route.weaveAddLast().process(e -> {
                if (attemptsEnded.incrementAndGet() == 1) {
                    throw new IllegalStateException("simulated crash after the SMTP transaction, before the commit");
                }
            });
        });

        submit("solo@example.org", "once, at least");

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() >= 2);
        Thread.sleep(1500);   // a third copy, or a job left behind by the rolled-back attempt, would arrive by now
        List<Transaction> received = smtp.received();
        assertThat(received).as("sent, rolled back, accepted and sent again: at least once").hasSize(2);
        assertThat(received).allSatisfy(t -> {
            assertThat(t.from()).isEqualTo("jms@example.com");
            assertThat(t.recipients()).containsExactly("solo@example.org");
            assertThat(t.text()).contains("Subject: once, at least\r\n", "\r\n\r\nbody\r\n");
        });
        assertThat(jobWrites.get()).as("no job was written to the broker: the submission was attempted where it was").isZero();
        JsonNode queue = JSON.readTree(relay.get("/api/queue").body());
        assertThat(queue.get("submitted").asInt()).isZero();
        assertThat(queue.get("queued").asInt()).isZero();
    }

    @Test
    void aSubmissionWaitingForADeliveryConsumerShouldCountAsSubmittedNotAsAJobOfNoDomain() throws Exception {
        relay = new RelayUnderTest(data, Map.of("mailroute.relayhost", smtp.hostPort())).start();
        relay.camel().getRouteController().stopRoute("delivery");

        submit("later@example.org", "waiting");

        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(relay.get("/api/queue").body()).get("submitted").asInt() == 1);
        JsonNode queue = JSON.readTree(relay.get("/api/queue").body());
        assertThat(queue.get("queued").asInt()).isZero();
        assertThat(queue.get("byDomain").size()).isZero();

        relay.camel().getRouteController().startRoute("delivery");
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() == 1);
        assertThat(smtp.received().get(0).recipients()).containsExactly("later@example.org");
    }

    private void submit(String rcptTo, String subject) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue("mailroute.submit"))) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(("From: x@example.com\r\nSubject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
            m.setStringProperty("MailFrom", "jms@example.com");
            m.setStringProperty("RcptTo", rcptTo);
            p.send(m);
        }
    }
}
