package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** The three ways a message enters MailRoute, each used the way an application would use it. */
enum WayIn {
    /** A file dropped into DATA/pickup with the IIS x-sender:/x-receiver: lines, renamed in atomically. */
    PICKUP("pickup") {
        @Override
        void submit(RelayProcess relay, Peers peers, String from, String to, byte[] message) {
            byte[] envelope = ("x-sender: <" + from + ">\nx-receiver: <" + to + ">\n").getBytes(StandardCharsets.US_ASCII);
            String name = "it-" + System.nanoTime() + ".eml";
            Path tmp = relay.pickupDir().resolve("." + name);
            try {
                Files.write(tmp, concat(envelope, message));
                Files.move(tmp, relay.pickupDir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    /**
     * A BytesMessage on mailroute.submit with MailFrom/RcptTo, sent with the Artemis JMS client to the
     * standalone broker peer (the relay must run with mailroute.broker.url pointing at it).
     */
    JMS("jms") {
        @Override
        void submit(RelayProcess relay, Peers peers, String from, String to, byte[] message) {
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(peers.get("PEERS_ARTEMIS_URL"),
                    peers.get("PEERS_ARTEMIS_USER"), peers.get("PEERS_ARTEMIS_PASSWORD"));
                 Connection c = cf.createConnection();
                 Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
                MessageProducer p = s.createProducer(s.createQueue("mailroute.submit"));
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(message);
                m.setStringProperty("MailFrom", from);
                m.setStringProperty("RcptTo", to);
                p.send(m);
                s.commit();
            } catch (JMSException e) {
                throw new IllegalStateException("JMS submission to " + peers.get("PEERS_ARTEMIS_URL") + " failed: " + e, e);
            }
        }
    },
    /** POST /api/messages as message/rfc822 with ?from=&to=. */
    HTTP("http") {
        @Override
        void submit(RelayProcess relay, Peers peers, String from, String to, byte[] message) {
            relay.submit(from, to, message);
        }
    };

    private final String receivedWith;

    WayIn(String receivedWith) {
        this.receivedWith = receivedWith;
    }

    /** The protocol MailRoute names in its Received field ("from jms by relay.test (MailRoute) with jms"). */
    String receivedWith() {
        return receivedWith;
    }

    abstract void submit(RelayProcess relay, Peers peers, String from, String to, byte[] message);

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
