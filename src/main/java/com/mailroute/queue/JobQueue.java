package com.mailroute.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.mailroute.broker.Queues;
import com.mailroute.spool.MessageBytes;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * Puts messages on broker queues inside one JMS transaction, so a message is "accepted" only
 * when every one of its jobs is committed — and either all of them are, or none.
 */
public final class JobQueue {
    private final ConnectionFactory connectionFactory;
    private volatile Connection connection;

    public JobQueue(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** A message to put on a queue, optionally scheduled for later delivery (Artemis scheduled delivery). */
    public record Outgoing(String queue, MessageBytes body, Map<String, Object> properties, Duration delay) {
        public static Outgoing job(String queue, DeliveryJob job) {
            return new Outgoing(queue, job.message(), job.properties(), Duration.ZERO);
        }

        public Outgoing delayed(Duration d) {
            return new Outgoing(queue, body, properties, d);
        }
    }

    /**
     * The factory's connection, asked for once: a caching factory shares one connection anyway, but hands out a new
     * proxy object on every call. A failed connection is asked for again.
     */
    private Connection connection() throws JMSException {
        Connection c = connection;
        if (c == null) {
            synchronized (this) {
                if (connection == null) {
                    connection = connectionFactory.createConnection();
                }
                c = connection;
            }
        }
        return c;
    }

    /** Sends all messages in one transaction and returns after the broker committed them. */
    public void commit(List<Outgoing> messages) {
        try (Session session = connection().createSession(true, Session.SESSION_TRANSACTED)) {
            try {
                for (Outgoing o : messages) {
                    send(session, o);
                }
                session.commit();
            } catch (JMSException | RuntimeException e) {
                session.rollback();
                throw e;
            }
        } catch (JMSException e) {
            connection = null;
            throw new BrokerUnavailableException("the broker did not commit the message: " + e.getMessage(), e);
        }
    }

    /**
     * Sends one message within the session's transaction; the caller commits. Delays are for the routes' producers
     * ({@link OutgoingMessages}: Artemis scheduled delivery); what is sent here goes now.
     */
    public static void send(Session session, Outgoing o) throws JMSException {
        if (!o.delay().isZero()) {
            throw new IllegalArgumentException("JobQueue sends without delay; a delayed message goes through the route's producers");
        }
        BytesMessage m = session.createBytesMessage();
        LargeBodies.write(m, o.body());
        for (Map.Entry<String, Object> e : o.properties().entrySet()) {
            m.setObjectProperty(e.getKey(), e.getValue());
        }
        try (MessageProducer producer = session.createProducer(Queues.named(o.queue()))) {
            producer.send(m);
        }
    }

    /** The broker could not take the message; nothing was accepted. */
    public static final class BrokerUnavailableException extends RuntimeException {
        public BrokerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
