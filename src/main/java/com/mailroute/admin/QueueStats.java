package com.mailroute.admin;

import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.mailroute.broker.EmbeddedBroker;
import com.mailroute.broker.Queues;
import com.mailroute.queue.DeliveryJob;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * GET /api/queue: how many jobs are queued now, scheduled for a retry, and dead, in all and by domain.
 * Scheduled jobs are invisible to JMS browsing, so they are read from the embedded broker itself, or
 * counted through Artemis's management queue on an external broker (there without a split by domain).
 */
public final class QueueStats {
    private final ConnectionFactory connectionFactory;
    private final EmbeddedBroker broker;

    public QueueStats(ConnectionFactory connectionFactory, EmbeddedBroker broker) {
        this.connectionFactory = connectionFactory;
        this.broker = broker;
    }

    public Map<String, Object> snapshot() {
        Map<String, int[]> byDomain = new TreeMap<>();
        // A message without MailRouteId on mailroute.outbound is a JMS submission a divert sent there (the embedded
        // broker's, or the same one on an external broker), which the delivery route accepts when it takes it: submitted,
        // not yet split into jobs. The delivery route tells them apart by the same property.
        Counted outbound = browse(Queues.OUTBOUND, byDomain, 0);
        int dead = browse(Queues.DEAD, byDomain, 2).all();
        long scheduled;
        if (broker == null) {
            scheduled = scheduled();
        } else {
            Queue q = broker.server().getActiveMQServer().locateQueue(SimpleString.of(Queues.OUTBOUND));
            scheduled = 0;
            for (MessageReference ref : q.getScheduledMessages()) {
                scheduled++;
                Object d = ref.getMessage().getObjectProperty(DeliveryJob.DOMAIN);
                byDomain.computeIfAbsent(String.valueOf(d), k -> new int[3])[1]++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        // Submitted over JMS but not yet accepted (split into jobs): still MailRoute's to deliver.
        out.put("submitted", browse(Queues.SUBMIT, new TreeMap<>(), 0).all() + outbound.submissions());
        out.put("queued", outbound.jobs());
        out.put("scheduled", scheduled);
        out.put("dead", dead);
        Map<String, Object> domains = new LinkedHashMap<>();
        byDomain.forEach((d, c) -> domains.put(d, Map.of("queued", c[0], "scheduled", c[1], "dead", c[2])));
        out.put("byDomain", domains);
        return out;
    }

    /** Messages on a queue that are ready now (not scheduled), for gauges. */
    public long depth(String queue) {
        if (broker != null) {
            Queue q = broker.server().getActiveMQServer().locateQueue(SimpleString.of(queue));
            return q == null ? 0 : q.getMessageCount() - q.getScheduledCount();
        }
        return browse(queue, new TreeMap<>(), 0).all();
    }

    public long scheduled() {
        if (broker == null) {
            return externalScheduledCount();
        }
        Queue q = broker.server().getActiveMQServer().locateQueue(SimpleString.of(Queues.OUTBOUND));
        return q == null ? 0 : q.getScheduledCount();
    }

    /** Asks an external Artemis broker through its management address; -1 when it does not answer. */
    private long externalScheduledCount() {
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            jakarta.jms.TemporaryQueue replyTo = s.createTemporaryQueue();
            Message request = s.createMessage();
            JMSManagementHelper.putAttribute(request, "queue." + Queues.OUTBOUND, "scheduledCount");
            request.setJMSReplyTo(replyTo);
            s.createProducer(s.createQueue("activemq.management")).send(request);
            Message reply = s.createConsumer(replyTo).receive(2000);
            if (reply == null || !JMSManagementHelper.hasOperationSucceeded(reply)) {
                return -1;
            }
            return ((Number) JMSManagementHelper.getResult(reply)).longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Jobs (messages with a MailRouteId) and JMS submissions (messages without one, not yet accepted) on a queue. */
    private record Counted(int jobs, int submissions) {
        int all() {
            return jobs + submissions;
        }
    }

    /** Counts a queue's messages ready now; each job also in byDomain[its domain][slot]. */
    private Counted browse(String queue, Map<String, int[]> byDomain, int slot) {
        int jobs = 0;
        int submissions = 0;
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
            c.start();
            for (Object o : Collections.list((Enumeration<?>) b.getEnumeration())) {
                Message m = (Message) o;
                if (m.getStringProperty(DeliveryJob.QUEUE_ID) == null) {
                    submissions++;
                } else {
                    jobs++;
                    byDomain.computeIfAbsent(m.getStringProperty(DeliveryJob.DOMAIN), k -> new int[3])[slot]++;
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("queue " + queue + " unavailable: " + e.getMessage(), e);
        }
        return new Counted(jobs, submissions);
    }
}
