package com.mailroute.broker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.Destination;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.springframework.jms.support.destination.DestinationResolver;

/** The queue names other parts and operators rely on (the documented contract), and how senders name them. */
public final class Queues {
    public static final String SUBMIT = "mailroute.submit";
    public static final String OUTBOUND = "mailroute.outbound";
    public static final String DEAD = "mailroute.dead";
    public static final String REJECTED = "mailroute.rejected";
    public static final List<String> ALL = List.of(SUBMIT, OUTBOUND, DEAD, REJECTED);

    private static final Map<String, Queue> BY_NAME = new ConcurrentHashMap<>();

    private Queues() {
    }

    /**
     * The queue as a client-side name. Artemis's Session.createQueue asks the broker whether the queue exists, a
     * blocking round trip for every message sent; the queues are MailRoute's own and always exist.
     */
    public static Queue named(String name) {
        return BY_NAME.computeIfAbsent(name, ActiveMQJMSClient::createQueue);
    }

    /** For Camel's jms: endpoints: the same lookup-free queue names (topics as JMS itself resolves them). */
    public static DestinationResolver resolver() {
        return (Session session, String name, boolean pubSub) -> pubSub ? session.createTopic(name) : (Destination) named(name);
    }
}
