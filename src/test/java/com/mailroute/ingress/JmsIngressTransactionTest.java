package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

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
 * A JMS submission leaves mailroute.submit in the transaction that commits its jobs: when writing its second job
 * fails, the first one is not kept, and the submission comes back whole (it fails when the route's producers write
 * outside the consumer's session).
 */
class JmsIngressTransactionTest {
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
        AdviceWith.adviceWith(relay.camel(), "ingress-jms", route -> route.interceptSendToEndpoint("jms:queue:mailroute.outbound*")
                .process(e -> {
                    if (jobWrites.incrementAndGet() == 2) {
                        throw new IllegalStateException("simulated failure writing the second job");
                    }
                }));

        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue("mailroute.submit"))) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes("From: x@example.com\r\nSubject: twice?\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII));
            m.setStringProperty("MailFrom", "jms@example.com");
            m.setStringProperty("RcptTo", "one@example.org, two@example.net");
            p.send(m);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() >= 2);
        // the redelivered submission is accepted with both its jobs (writes 3 and 4); give a kept first job time to show
        await().atMost(Duration.ofSeconds(10)).until(() -> jobWrites.get() >= 4);
        Thread.sleep(1500);
        List<Transaction> received = smtp.received();
        assertThat(received).extracting(Transaction::recipients)
                .containsExactlyInAnyOrder(List.of("one@example.org"), List.of("two@example.net"));
        assertThat(jobWrites.get()).isEqualTo(4);
    }
}
