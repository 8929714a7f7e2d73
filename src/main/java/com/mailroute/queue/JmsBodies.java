package com.mailroute.queue;

import java.io.InputStream;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Reads a message body off the broker without holding a large one in the heap: the jms: consumers stream Artemis
 * large messages (artemisStreamingEnabled) into Camel's stream cache, and this moves them into a spool file that
 * lives as long as the exchange.
 */
public final class JmsBodies {
    /** Artemis: writes a large message's body into this OutputStream, returning when it is complete. */
    private static final String SAVE_STREAM = "JMS_AMQ_SaveStream";

    private JmsBodies() {
    }

    /** The consumed message's body; one this spools is released when the exchange completes. */
    public static MessageBytes of(Exchange exchange, Spool spool) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof MessageBytes m) {
            return m;   // a job accepted in this exchange (a JMS submission's first attempt), not read off the broker
        }
        if (body instanceof byte[] b) {
            return MessageBytes.of(b);
        }
        if (body instanceof String s) {
            return MessageBytes.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (body instanceof InputStream in) {
            MessageBytes spooled = readSpooled(in, spool);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    spooled.release();
                }
            });
            return spooled;
        }
        throw new IllegalStateException("a job on the broker must be a BytesMessage, not " + (body == null ? "empty" : body.getClass().getName()));
    }

    private static MessageBytes readSpooled(InputStream in, Spool spool) {
        try {
            return spool.read(in, Long.MAX_VALUE);
        } catch (Spool.TooLargeException e) {
            throw new IllegalStateException(e);   // no limit was given
        }
    }

    /** The body of a message read with the JMS API (browsing, moving dead letters); the caller releases a spooled one. */
    public static MessageBytes of(Message m, Spool spool) throws JMSException {
        if (!(m instanceof BytesMessage b)) {
            return MessageBytes.of(new byte[0]);
        }
        if (!m.propertyExists(ArtemisJmsComponent.LARGE_SIZE)) {
            byte[] body = new byte[(int) b.getBodyLength()];
            b.readBytes(body);
            return MessageBytes.of(body);
        }
        try {
            return spool.write(out -> {
                try {
                    b.setObjectProperty(SAVE_STREAM, out);   // returns once the whole body is written
                } catch (JMSException e) {
                    throw new java.io.IOException(e.getMessage(), e);
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot spool a large message: " + e.getMessage(), e);
        }
    }
}
