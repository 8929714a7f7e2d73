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
import com.mailroute.queue.JmsBodies;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
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
    private final Spool spool;

    public DeadLetterStore(ConnectionFactory connectionFactory, Spool spool) {
        this.connectionFactory = connectionFactory;
        this.spool = spool;
    }

    /** The dead letters without their messages (which may be large). */
    public List<DeadLetter> list() {
        return browse(null, false);
    }

    /** One dead letter with its message; the caller releases the message when it is done with it. */
    public Optional<DeadLetter> find(String id) {
        List<DeadLetter> found = browse(selector(id), true);
        found.stream().skip(1).forEach(dl -> dl.job().message().release());
        return found.stream().findFirst();
    }

    /** Moves the dead letter back into delivery as a fresh job (attempts and lifetime start again). */
    public List<DeadLetter> retry(String id, Instant now) {
        return take(selector(id), true, (session, dl) -> {
            JobQueue.send(session, JobQueue.Outgoing.job(Queues.OUTBOUND, dl.job().fresh(now)));
            LOG.info("dead letter {} (id={} domain={}) retried: back in delivery for {}", dl.id(), dl.job().queueId(), dl.job().domain(), dl.recipients());
        });
    }

    public List<DeadLetter> delete(String id) {
        return take(selector(id), false, (session, dl) ->
                LOG.info("dead letter {} (id={} domain={}) deleted", dl.id(), dl.job().queueId(), dl.job().domain()));
    }

    /** Removes dead letters whose last attempt is older than the cutoff; one log line each. */
    public List<DeadLetter> removeOlderThan(Instant cutoff) {
        return take("LastAttempt < " + cutoff.toEpochMilli(), false, (session, dl) ->
                LOG.info("dead letter {} (id={} domain={} last attempt {}) removed: older than the retention", dl.id(), dl.job().queueId(),
                        dl.job().domain(), dl.lastAttempt()));
    }

    private interface Action {
        void apply(Session session, DeadLetter deadLetter) throws JMSException;
    }

    private List<DeadLetter> take(String selector, boolean withMessage, Action action) {
        List<DeadLetter> taken = new ArrayList<>();
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(true, Session.SESSION_TRANSACTED);
             MessageConsumer consumer = s.createConsumer(s.createQueue(Queues.DEAD), selector)) {
            c.start();
            try {
                Message m;
                while ((m = consumer.receive(500)) != null) {
                    DeadLetter dl = read(m, withMessage ? spool : null);
                    try {
                        action.apply(s, dl);
                    } finally {
                        dl.job().message().release();
                    }
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

    private List<DeadLetter> browse(String selector, boolean withMessage) {
        List<DeadLetter> out = new ArrayList<>();
        try (Connection c = connectionFactory.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(Queues.DEAD), selector)) {
            c.start();
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                out.add(read((Message) e.nextElement(), withMessage ? spool : null));
            }
        } catch (JMSException e) {
            throw new IllegalStateException("dead letters unavailable: " + e.getMessage(), e);
        }
        return out;
    }

    /** A dead letter; with its message when a spool is given, else with an empty one. */
    static DeadLetter read(Message m, Spool spool) throws JMSException {
        Map<String, Object> props = new HashMap<>();
        for (Object name : Collections.list(m.getPropertyNames())) {
            props.put(name.toString(), m.getObjectProperty(name.toString()));
        }
        MessageBytes body = spool == null ? MessageBytes.of(new byte[0]) : JmsBodies.of(m, spool);
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
