package com.mailroute.queue;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

import com.mailroute.spool.MessageBytes;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.MessageCreatedStrategy;

/**
 * Message bodies that are not in the heap go to the broker as a stream (Artemis large messages, kept in the broker's
 * large-messages folder), never as one array. A route's jms: producer gets such a body through this strategy: the
 * Camel message carries the bytes in a header that JMS does not map, and an empty body; the strategy streams them into
 * the JMS message the producer created. Bodies in the heap take the ordinary path.
 */
public final class LargeBodies implements MessageCreatedStrategy {
    /** Camel header holding the {@link MessageBytes} of a body that is streamed (not a JMS property: JMS drops it). */
    static final String STREAMED_BODY = "MailRouteStreamedBody";
    /** Artemis: send the message's body from this InputStream, in chunks (a large message). */
    private static final String ARTEMIS_INPUT_STREAM = "JMS_AMQ_InputStream";

    /** Writes the body into a JMS message: as bytes when in the heap, as a stream when spooled. */
    static void write(BytesMessage m, MessageBytes body) throws JMSException {
        if (body.inHeap()) {
            m.writeBytes(body.toByteArray());
        } else {
            m.setObjectProperty(ARTEMIS_INPUT_STREAM, body.open());   // Artemis reads it to the end and closes it
        }
    }

    /** Sets the body of a Camel message a jms: producer will send. */
    static void attach(Message m, MessageBytes body) {
        if (body.inHeap()) {
            m.setBody(body.toByteArray());
        } else {
            m.setBody(new byte[0]);
            m.setHeader(STREAMED_BODY, body);
        }
    }

    @Override
    public void onMessageCreated(jakarta.jms.Message message, Session session, Exchange exchange, Throwable cause) {
        if (cause != null || exchange == null) {
            return;
        }
        MessageBytes body = exchange.getMessage().getHeader(STREAMED_BODY, MessageBytes.class);
        if (body != null && message instanceof BytesMessage bytes) {
            try {
                write(bytes, body);
            } catch (JMSException e) {
                throw new IllegalStateException("cannot stream the message body to the broker: " + e.getMessage(), e);
            }
        }
    }
}
