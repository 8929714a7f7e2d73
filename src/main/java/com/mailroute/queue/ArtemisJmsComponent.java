package com.mailroute.queue;

import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * Camel's jms: component, whose endpoints tell an Artemis large message from an ordinary one by asking whether its
 * size property exists. With artemisStreamingEnabled, Camel asks for that property's value, and for an ordinary message
 * (nearly all of them) the JMS client answers with a NumberFormatException that Camel catches: a stack trace filled
 * for every job and submission consumed.
 */
public final class ArtemisJmsComponent extends JmsComponent {
    /** Artemis: the body size of a large message; absent from one that travelled whole. */
    static final String LARGE_SIZE = "_AMQ_LARGE_SIZE";

    public ArtemisJmsComponent(JmsConfiguration configuration) {
        super(configuration);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        JmsEndpoint endpoint = (JmsEndpoint) super.createEndpoint(uri, remaining, parameters);
        endpoint.setBinding(new Binding(endpoint));
        return endpoint;
    }

    static final class Binding extends JmsBinding {
        Binding(JmsEndpoint endpoint) {
            super(endpoint);
        }

        @Override
        protected Object createByteArrayFromBytesMessage(Exchange exchange, BytesMessage message) throws JMSException {
            if (message.propertyExists(LARGE_SIZE)) {
                return super.createByteArrayFromBytesMessage(exchange, message);   // streamed, as Camel does
            }
            byte[] body = new byte[Math.toIntExact(message.getBodyLength())];
            message.readBytes(body);
            return body;
        }
    }
}
