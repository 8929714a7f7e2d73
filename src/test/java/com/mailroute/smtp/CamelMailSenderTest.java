package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender behind a real camel-mail smtp endpoint. */
class CamelMailSenderTest {

    @Test
    void smtpEndpointShouldDeliverTheEnvelopeAndExactBytesAndRecordTheResult() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer();
             SmtpClient client = new SmtpClient(SmtpSettings.defaults("relay.mailroute.test", TlsPolicy.NONE)
                     .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)));
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("camelMailSender", new CamelMailSender(client));
            camel.start();
            NextHop hop = new NextHop("subetha.test", InetAddress.getByName("127.0.0.1"), server.port(), "transport");
            EnvelopeMimeMessage message = new EnvelopeMimeMessage(SmtpClientSubEthaTest.MESSAGE, hop,
                    "bounces@sender.test", List.of("envelope@rcpt.test"), caps -> PreparedMessage.asIs(SmtpClientSubEthaTest.MESSAGE));

            ProducerTemplate producer = camel.createProducerTemplate();
            producer.sendBody("smtp://127.0.0.1:" + server.port() + "?javaMailSender=#camelMailSender", message);

            assertThat(server.received).singleElement().satisfies(m -> {
                assertThat(m.mailFrom()).isEqualTo("bounces@sender.test");
                assertThat(m.recipients()).containsExactly("envelope@rcpt.test");
                assertThat(new String(m.data(), StandardCharsets.US_ASCII))
                        .isEqualTo(new String(SmtpClientSubEthaTest.MESSAGE, StandardCharsets.US_ASCII));
            });
            assertThat(message.hopResult().allDelivered()).isTrue();
            assertThat(message.hopResult().recipients()).singleElement()
                    .satisfies(r -> assertThat(r.reply().code()).isEqualTo(250));
        }
    }

    @Test
    void saveChangesShouldNotAlterTheBytesWritten() throws Exception {
        NextHop hop = new NextHop("mx.test", InetAddress.getByName("127.0.0.1"), 25, "mx 10");
        EnvelopeMimeMessage message = new EnvelopeMimeMessage(SmtpClientSubEthaTest.MESSAGE, hop, "a@sender.test",
                List.of("b@rcpt.test"), caps -> PreparedMessage.asIs(SmtpClientSubEthaTest.MESSAGE));

        message.saveChanges();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        message.writeTo(out);

        assertThat(out.toByteArray()).isEqualTo(SmtpClientSubEthaTest.MESSAGE);
        assertThat(message.getMessageID()).isEqualTo("<1@sender.test>");
    }
}
