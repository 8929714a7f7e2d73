package com.mailroute.failure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.mailroute.broker.Queues;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.queue.JobQueue;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters live on the durable mailroute.dead queue (they survive restarts); this reads them,
 * and removes one only for an explicit retry, delete or the retention job.
 */
public final class DeadLetterStore {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);

    private final ConnectionFactory connectionFactory;

    public DeadLetterStore(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    public List<DeadLetter> list() {
        return browse(null);
    }

    public Optional<DeadLetter> find(String id) {
        return browse(selector(id)).stream().findFirst();
    }

    /** Moves the dead letter back into delivery as a fresh job (attempts and lifetime start again). */
    public List<DeadLetter> retry(String id, Instant now) {
        return take(selector(id), (session, dl) -> {
            JobQueue.send(session, JobQueue.Outgoing.job(Queues.OUTBOUND, dl.job().fresh(now)));
            LOG.info("dead letter {} (id={} domain={}) retried: back in delivery for {}", dl.id(), dl.job().queueId(), dl.job().domain(), dl.recipients());
        });
    }

    public List<DeadLetter> delete(String id) {
        return take(selector(id), (session, dl) ->
                LOG.info("dead letter {} (id={} domain={}) deleted", dl.id(), dl.job().queueId(), dl.job().domain()));
    }

    /** Removes dead letters whose last attempt is older than the cutoff; one log line each. */
    public List<DeadLetter> removeOlderThan(Instant cutoff) {
        return take("LastAttempt < " + cutoff.toEpochMilli(), (session, dl) ->
                LOG.info("dead letter {} (id={} domain={} last attempt {}) removed: older than the retention", dl.id(), dl.job().queueId(),
                        dl.job().domain(), dl.lastAttempt()));
    }

    private interface Action {
        void apply(Session session, DeadLetter deadLetter) throws JMSException;
    }

    private List<DeadLetter> take(String selector, Action action) {
        List<DeadLetter> taken = new ArrayList<>();
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = s.createConsumer(s.createQueue(Queues.DEAD), selector)) {
            c.start();
            try {
                Message m;
                while ((m = consumer.receive(500)) != null) {
                    DeadLetter dl = read(m);
                    action.apply(s, dl);
                    taken.add(dl);
                }
                s.commit();
            } catch (JMSException | RuntimeException e) {
                s.rollback();
                throw e;
            }
        } catch (JMSException e) {
            throw new IllegalStateException("dead letters unavailable: " + e.getMessage(), e);
        }
        return taken;
    }

    private List<DeadLetter> browse(String selector) {
        List<DeadLetter> out = new ArrayList<>();
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(Queues.DEAD), selector)) {
            c.start();
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                out.add(read((Message) e.nextElement()));
            }
        } catch (JMSException e) {
            throw new IllegalStateException("dead letters unavailable: " + e.getMessage(), e);
        }
        return out;
    }

    static DeadLetter read(Message m) throws JMSException {
        Map<String, Object> props = new HashMap<>();
        for (Object name : Collections.list(m.getPropertyNames())) {
            props.put(name.toString(), m.getObjectProperty(name.toString()));
        }
        byte[] body = new byte[0];
        if (m instanceof BytesMessage b) {
            body = new byte[(int) b.getBodyLength()];
            b.readBytes(body);
        }
        return DeadLetter.fromProperties(props, body);
    }

    /** A dead letter's own id, or a queue id (as in logs and DSNs): then every dead letter of that message. */
    private static String selector(String id) {
        if (!id.matches("[A-Za-z0-9.\\-]{1,100}")) {
            throw new IllegalArgumentException("'" + id + "' is not a dead letter id");
        }
        return DeadLetter.ID + " = '" + id + "' OR " + com.mailroute.queue.DeliveryJob.QUEUE_ID + " = '" + id + "'";
    }
}
