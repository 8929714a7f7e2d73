package com.mailroute.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

import jakarta.jms.BytesMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ArtemisJmsComponentTest {

    @Test
    void anOrdinaryBytesMessageShouldBeReadWithoutAskingForTheLargeMessageSize() throws Exception {
        byte[] content = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        try (CamelContext camel = new DefaultCamelContext()) {
            ArtemisJmsComponent component = new ArtemisJmsComponent(new JmsConfiguration());
            camel.addComponent("jms", component);
            JmsEndpoint endpoint = camel.getEndpoint("jms:queue:mailroute.outbound?artemisStreamingEnabled=true", JmsEndpoint.class);

            Object body = endpoint.getBinding().extractBodyFromJms(new DefaultExchange(camel), ordinary(content));

            assertThat(body).isInstanceOf(byte[].class);
            assertThat((byte[]) body).isEqualTo(content);
        }
    }

    /** A BytesMessage that has no large-message size, and fails the test when asked for its value. */
    private static BytesMessage ordinary(byte[] content) {
        return (BytesMessage) Proxy.newProxyInstance(BytesMessage.class.getClassLoader(), new Class<?>[] {BytesMessage.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "propertyExists" -> false;
                    case "getBodyLength" -> (long) content.length;
                    case "readBytes" -> {
                        byte[] into = (byte[]) args[0];
                        System.arraycopy(content, 0, into, 0, content.length);
                        yield content.length;
                    }
                    case "getLongProperty" -> throw new AssertionError("asked for " + args[0] + " of a message that has none");
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ordinary BytesMessage";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
