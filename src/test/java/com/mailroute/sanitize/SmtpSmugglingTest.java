package com.mailroute.sanitize;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.mailroute.spool.MessageBytes;
import com.mailroute.testsupport.Spools;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Sends sanitized smuggling attempts through Angus SMTP to a SubEthaSMTP server on loopback:
 * the server must see exactly one message, with the injected commands as body text.
 */
class SmtpSmugglingTest {
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<String> envelopeRecipients = new CopyOnWriteArrayList<>();
    private SMTPServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getByName("127.0.0.1"))
                .hostName("sink.test")
                .insertReceivedHeaders(false)
                .messageHandler((context, from, to, data) -> {
                    envelopeRecipients.add(to);
                    received.add(data);
                })
                .build();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n"})
    void smuggledSecondMessageShouldArriveAsTextOfTheOneMessage(String terminator) throws Exception {
        String raw = "From: a@example.com\r\nTo: b@example.org\r\nSubject: smuggle\r\n\r\n"
                + "hello" + terminator
                + "MAIL FROM:<x>\r\nRCPT TO:<y>\r\nDATA\r\nSubject: injected\r\n\r\nsecond\r\n.\r\n"
                + "rest of the first message\r\n";
        SanitizedMessage sanitized = new MessageSanitizer("relay.example", MessageSanitizerTest.CLOCK, Spools.standard())
                .sanitize(MessageBytes.of(raw.getBytes(ISO_8859_1)), "http", "Q1");

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.getPortAllocated()));
        props.put("mail.smtp.from", "a@example.com");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(sanitized.bytes().toByteArray()));
        // sendMessage (unlike Transport.send) does not call saveChanges, so the bytes go out as sanitized.
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, new InternetAddress[] {new InternetAddress("b@example.org")});
        }

        assertThat(received).hasSize(1);
        assertThat(envelopeRecipients).containsExactly("b@example.org");
        String data = new String(received.get(0), ISO_8859_1);
        assertThat(data).isEqualTo(new String(sanitized.bytes().toByteArray(), ISO_8859_1));
        assertThat(data).contains("\r\n.\r\nMAIL FROM:<x>\r\nRCPT TO:<y>\r\nDATA\r\n")
                .contains("second\r\n.\r\nrest of the first message\r\n");
    }
}
