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
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * GET /api/queue: how many jobs are queued now, scheduled for a retry, and dead, in all and by domain.
 * Scheduled jobs are invisible to JMS browsing, so they are read from the embedded broker itself
 * (with an external broker they are reported as -1: see them in the Artemis console).
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
        int queued = browse(Queues.OUTBOUND, byDomain, 0);
        int dead = browse(Queues.DEAD, byDomain, 2);
        int scheduled = -1;
        if (broker != null) {
            Queue q = broker.server().getActiveMQServer().locateQueue(SimpleString.of(Queues.OUTBOUND));
            scheduled = 0;
            for (MessageReference ref : q.getScheduledMessages()) {
                scheduled++;
                Object d = ref.getMessage().getObjectProperty(DeliveryJob.DOMAIN);
                byDomain.computeIfAbsent(String.valueOf(d), k -> new int[3])[1]++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queued", queued);
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
        return browse(queue, new TreeMap<>(), 0);
    }

    public long scheduled() {
        if (broker == null) {
            return -1;
        }
        Queue q = broker.server().getActiveMQServer().locateQueue(SimpleString.of(Queues.OUTBOUND));
        return q == null ? 0 : q.getScheduledCount();
    }

    private int browse(String queue, Map<String, int[]> byDomain, int slot) {
        int n = 0;
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
            c.start();
            for (Object o : Collections.list((Enumeration<?>) b.getEnumeration())) {
                n++;
                String d = ((Message) o).getStringProperty(DeliveryJob.DOMAIN);
                byDomain.computeIfAbsent(String.valueOf(d), k -> new int[3])[slot]++;
            }
        } catch (JMSException e) {
            throw new IllegalStateException("queue " + queue + " unavailable: " + e.getMessage(), e);
        }
        return n;
    }
}
