package com.mailroute.admin;

import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.mailroute.broker.EmbeddedBroker;
import com.mailroute.broker.Queues;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.queue.JobQueue;
import com.mailroute.testsupport.RelayUnderTest;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueStatsTest {
    @TempDir
    Path data;
    EmbeddedBroker broker;
    ActiveMQConnectionFactory factory;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker(data, "127.0.0.1", RelayUnderTest.freePort(), "", "");
        broker.start();
        factory = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        JobQueue queue = new JobQueue(factory);
        queue.commit(List.of(
                JobQueue.Outgoing.job(Queues.OUTBOUND, job("a.test")),
                inAnHour(job("b.test")),
                inAnHour(job("b.test")),
                JobQueue.Outgoing.job(Queues.DEAD, job("c.test"))));
    }

    @AfterEach
    void stop() throws Exception {
        factory.close();
        broker.close();
    }

    @Test
    void snapshotShouldCountQueuedScheduledAndDeadByDomain() {
        Map<String, Object> s = new QueueStats(factory, broker).snapshot();

        assertThat(s).containsEntry("queued", 1).containsEntry("scheduled", 2L).containsEntry("dead", 1);
        assertThat(s.get("byDomain")).isEqualTo(Map.of(
                "a.test", Map.of("queued", 1, "scheduled", 0, "dead", 0),
                "b.test", Map.of("queued", 0, "scheduled", 2, "dead", 0),
                "c.test", Map.of("queued", 0, "scheduled", 0, "dead", 1)));
    }

    @Test
    void scheduledShouldBeCountedThroughTheManagementAddressOfABrokerMailRouteDoesNotRun() {
        QueueStats external = new QueueStats(factory, null);

        assertThat(external.scheduled()).isEqualTo(2);
        assertThat(external.snapshot()).containsEntry("scheduled", 2L).containsEntry("queued", 1);
    }

    @Test
    void submissionWaitingOnOutboundShouldCountAsSubmittedEvenWithAClientsOwnDomainProperty() throws Exception {
        // The embedded broker's divert puts a JMS submission on mailroute.outbound; an application may set any property.
        try (jakarta.jms.Connection c = factory.createConnection();
             jakarta.jms.Session session = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE)) {
            jakarta.jms.BytesMessage m = session.createBytesMessage();
            m.writeBytes("Subject: s\r\n\r\nbody\r\n".getBytes());
            m.setStringProperty("RcptTo", "r@a.test");
            m.setStringProperty(DeliveryJob.DOMAIN, "a.test");
            session.createProducer(session.createQueue(Queues.SUBMIT)).send(m);
        }

        Map<String, Object> s = new QueueStats(factory, broker).snapshot();

        assertThat(s).containsEntry("submitted", 1).containsEntry("queued", 1);
        assertThat(s.get("byDomain")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("a.test", Map.of("queued", 1, "scheduled", 0, "dead", 0));
    }

    /** Scheduled as the delivery route's producers schedule a retry: Artemis scheduled delivery. */
    private static JobQueue.Outgoing inAnHour(DeliveryJob job) {
        java.util.Map<String, Object> p = new java.util.HashMap<>(job.properties());
        p.put("_AMQ_SCHED_DELIVERY", System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        return new JobQueue.Outgoing(Queues.OUTBOUND, job.message(), p, Duration.ZERO);
    }

    private static DeliveryJob job(String domain) {
        return new DeliveryJob("Q1", "Q1.1", "a@x.test", List.of("r@" + domain), domain, Instant.now(), "http", 0, null, "clean", false, 0,
                MessageBytes.of("Subject: x\r\n\r\nx\r\n".getBytes()));
    }
}
