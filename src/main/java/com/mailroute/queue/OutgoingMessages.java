package com.mailroute.queue;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * Broker messages for a route's own jms: producers to write. A route that consumes in a local JMS transaction and
 * splits these to a jms: endpoint commits them together with the message it consumed: one broker transaction.
 */
public final class OutgoingMessages {
    /** Artemis scheduled delivery: the message becomes visible at this time (epoch milliseconds). */
    static final String SCHEDULED_DELIVERY_TIME = "_AMQ_SCHED_DELIVERY";

    private OutgoingMessages() {
    }

    /** One Camel message per outgoing entry: its body, its properties as headers, its delay as Artemis scheduled delivery. */
    public static List<Message> of(CamelContext context, Clock clock, List<JobQueue.Outgoing> outgoing) {
        return outgoing.stream().map(o -> of(context, clock, o)).toList();
    }

    static Message of(CamelContext context, Clock clock, JobQueue.Outgoing o) {
        Message m = new DefaultMessage(context);
        LargeBodies.attach(m, o.body());
        for (Map.Entry<String, Object> e : o.properties().entrySet()) {
            m.setHeader(e.getKey(), e.getValue());
        }
        if (!o.delay().isZero() && !o.delay().isNegative()) {
            m.setHeader(SCHEDULED_DELIVERY_TIME, clock.millis() + o.delay().toMillis());
        }
        return m;
    }
}
