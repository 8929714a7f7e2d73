package com.mailroute.mime;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.RejectException;
import com.mailroute.testsupport.EhloWithout8BitMime;
import org.subethamail.smtp.server.SMTPServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.mailroute.mime.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Delivery to a strict next hop like the Lotus Domino server of the original incident: its EHLO
 * lists no 8BITMIME and it refuses any data byte >= 0x80.
 */
class SevenBitDeliveryTest {

    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private SMTPServer server;

    @BeforeEach
    void startStrictServer() {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("domino.test")
                .insertReceivedHeaders(false)
                .messageHandler((context, from, to, data) -> {
                    for (byte b : data) {
                        if (b < 0) {
                            throw new RejectException(554, "5.6.0 8-bit data not accepted: 8BITMIME was not announced");
                        }
                    }
                    received.add(data);
                })
                .build();
        server.getCommandHandler().addCommand(new EhloWithout8BitMime());
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private SMTPTransport connect() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.getPortAllocated()));
        props.put("mail.smtp.localhost", "relay.test");
        props.put("mail.smtp.timeout", "10000");
        props.put("mail.smtp.connectiontimeout", "10000");
        SMTPTransport transport = (SMTPTransport) jakarta.mail.Session.getInstance(props).getTransport("smtp");
        transport.connect();
        return transport;
    }

    private static void send(SMTPTransport transport, byte[] bytes) throws Exception {
        // A parsed message counts as saved, so Angus sends its bytes as they are.
        MimeMessage message = new MimeMessage((jakarta.mail.Session) null, new ByteArrayInputStream(bytes));
        transport.sendMessage(message, new Address[] {new InternetAddress("bob@example.org")});
    }

    private static byte[] eightBitMessage() {
        return message()
                .line("From: \"Jürgen Müller\" <juergen@example.com>")
                .line("To: bob@example.org")
                .line("Subject: Prüfbericht für Köln")
                .line("Message-ID: <delivery-1@example.com>")
                .line("MIME-Version: 1.0")
                .line("Content-Type: multipart/mixed; boundary=b")
                .line("")
                .line("--b")
                .line("Content-Type: text/plain; charset=utf-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Grüße – der Bericht ist fertig.")
                .line(".a line starting with a dot")
                .line("--b")
                .line("Content-Type: application/octet-stream")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .bytes(new byte[] {(byte) 0xC3, (byte) 0xA9, 'x', (byte) 0xFF}).line("")
                .line("--b--")
                .build();
    }

    @Test
    void strictServerShouldAnnounceNo8BitMimeAndRejectTheUnconvertedMessage() throws Exception {
        SMTPTransport transport = connect();
        try {
            assertThat(transport.supportsExtension("8BITMIME")).isFalse();

            assertThatThrownBy(() -> send(transport, eightBitMessage()))
                    .isInstanceOfSatisfying(SMTPSendFailedException.class, e -> {
                        assertThat(e.getReturnCode()).isEqualTo(554);
                        assertThat(e.getMessage()).contains("5.6.0 8-bit data not accepted");
                    });
        } finally {
            transport.close();
        }
        assertThat(received).isEmpty();
    }

    @Test
    void strictServerShouldAcceptTheConvertedMessageWithTheSameDecodedContent() throws Exception {
        byte[] original = eightBitMessage();
        Conversion conversion = BothWays.convert(BothWays.converter(false), original);

        SMTPTransport transport = connect();
        try {
            send(transport, conversion.bytes().toByteArray());
            assertThat(transport.getLastReturnCode()).isEqualTo(250);
        } finally {
            transport.close();
        }

        assertThat(received).hasSize(1);
        byte[] arrived = received.get(0);
        assertThat(arrived).isEqualTo(conversion.bytes().toByteArray());
        assertThat(DecodedTree.of(arrived)).isEqualTo(DecodedTree.of(original));
        MimeMessage parsed = DecodedTree.parse(arrived);
        assertThat(parsed.getSubject()).isEqualTo("Prüfbericht für Köln");
        assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo("Jürgen Müller");
        assertThat(parsed.getMessageID()).isEqualTo("<delivery-1@example.com>");
        assertThat(conversion.description()).isEqualTo("converted 8bit→7bit: 2 parts, 2 headers");
    }
}
