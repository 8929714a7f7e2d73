package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mailroute.spool.MessageBytes;
import com.mailroute.testsupport.Spools;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.mailroute.broker.EmbeddedBroker;
import com.mailroute.broker.Queues;
import com.mailroute.queue.JobQueue;
import com.mailroute.spool.HeapBudget;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.sanitize.SanitizeReport;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MessageAcceptor against a real embedded Artemis: what lands on mailroute.outbound. */
class MessageAcceptorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path dataDir;

    private static EmbeddedBroker broker;
    private static ActiveMQConnectionFactory factory;
    private static JobQueue queue;

    /** One queued job as read back from the broker. */
    record Queued(String queueId, String jobId, String mailFrom, String rcptTo, String domain, long acceptedAt,
                  String wayIn, int attempts, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void startBroker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        broker = new EmbeddedBroker(dataDir, "127.0.0.1", port, "", "");
        broker.start();
        factory = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        queue = new JobQueue(factory);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        factory.close();
        broker.close();
    }

    @BeforeEach
    void emptyOutboundQueue() throws JMSException {
        drain();
    }

    private static MessageAcceptor acceptor(Set<String> allowedSenderDomains) {
        return new MessageAcceptor(new MessageSanitizer("relay.example.com", CLOCK, Spools.standard()), queue, 1024 * 1024, allowedSenderDomains, CLOCK);
    }

    private static Submission submission(String wayIn, String message) {
        return new Submission(wayIn, message.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** Every job now on mailroute.outbound, in job id order. */
    private static List<Queued> drain() throws JMSException {
        List<Queued> out = new ArrayList<>();
        try (Connection c = factory.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = s.createConsumer(s.createQueue(Queues.OUTBOUND))) {
            c.start();
            Message m;
            while ((m = consumer.receive(500)) != null) {
                BytesMessage b = (BytesMessage) m;
                byte[] body = new byte[(int) b.getBodyLength()];
                b.readBytes(body);
                out.add(new Queued(m.getStringProperty("MailRouteId"), m.getStringProperty("MailRouteJobId"),
                        m.getStringProperty("MailFrom"), m.getStringProperty("RcptTo"), m.getStringProperty("Domain"),
                        m.getLongProperty("AcceptedAt"), m.getStringProperty("WayIn"), m.getIntProperty("Attempts"), body));
            }
        }
        out.sort(Comparator.comparing(Queued::jobId));
        return out;
    }

    private static final String MESSAGE = "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.org, Carol <carol@example.org>\r\n"
            + "Cc: dave@bücher.example\r\n"
            + "Bcc: eve@example.net\r\n"
            + "Subject: quarterly report\r\n"
            + "Date: Sun, 01 Mar 2026 09:00:00 +0000\r\n"
            + "Message-ID: <q1@example.com>\r\n"
            + "\r\n"
            + "numbers attached\r\n";

    @Test
    void acceptShouldQueueOneJobPerRecipientDomainWithTheEnvelopeInProperties() throws JMSException {
        MessageAcceptor.Accepted accepted = acceptor(Set.of()).accept(submission("http", MESSAGE));

        assertThat(accepted.domains()).containsExactly("example.org", "xn--bcher-kva.example", "example.net");
        List<Queued> jobs = drain();
        assertThat(jobs).extracting(Queued::domain).containsExactly("example.org", "xn--bcher-kva.example", "example.net");
        assertThat(jobs).extracting(Queued::rcptTo)
                .containsExactly("bob@example.org,carol@example.org", "dave@bücher.example", "eve@example.net");
        assertThat(jobs).extracting(Queued::jobId)
                .containsExactly(accepted.queueId() + ".1", accepted.queueId() + ".2", accepted.queueId() + ".3");
        assertThat(jobs).allSatisfy(j -> {
            assertThat(j.queueId()).isEqualTo(accepted.queueId());
            assertThat(j.mailFrom()).isEqualTo("alice@example.com");
            assertThat(j.attempts()).isZero();
            assertThat(j.wayIn()).isEqualTo("http");
            assertThat(j.acceptedAt()).isEqualTo(NOW.toEpochMilli());
        });
    }

    @Test
    void acceptShouldQueueTheSanitizedMessageWithReceivedFirstAndNoBcc() throws JMSException {
        AtomicReference<SanitizeReport> report = new AtomicReference<>();
        MessageAcceptor acceptor = acceptor(Set.of());
        acceptor.onAccepted(report::set);

        acceptor.accept(submission("http", MESSAGE));

        List<Queued> jobs = drain();
        assertThat(jobs).hasSize(3);
        String body = jobs.get(0).text();
        assertThat(body).startsWith("Received: ");
        assertThat(body).doesNotContain("Bcc:", "eve@example.net");
        assertThat(body).contains("\r\nSubject: quarterly report\r\n").endsWith("\r\n\r\nnumbers attached\r\n");
        assertThat(jobs).allSatisfy(j -> assertThat(j.body()).isEqualTo(jobs.get(0).body()));
        assertThat(report.get().count(SanitizeReport.BCC_REMOVED)).isEqualTo(1);
    }

    @Test
    void acceptShouldUseTheExplicitEnvelope() throws JMSException {
        byte[] raw = MESSAGE.getBytes(StandardCharsets.UTF_8);

        acceptor(Set.of()).accept(new Submission("jms", raw, "", List.of("zoe@example.com")));

        List<Queued> jobs = drain();
        assertThat(jobs).singleElement().satisfies(j -> {
            assertThat(j.mailFrom()).isEmpty();
            assertThat(j.rcptTo()).isEqualTo("zoe@example.com");
            assertThat(j.domain()).isEqualTo("example.com");
            assertThat(j.wayIn()).isEqualTo("jms");
        });
    }

    @Test
    void acceptShouldRefuseASenderOutsideTheAllowedDomainsForHttpAndJms() throws JMSException {
        MessageAcceptor acceptor = acceptor(Set.of("example.net"));

        for (String wayIn : List.of("http", "jms")) {
            assertThatThrownBy(() -> acceptor.accept(submission(wayIn, MESSAGE)))
                    .isInstanceOf(RejectedException.class)
                    .hasMessage("sender <alice@example.com> is not allowed: its domain is not in mailroute.sender.allowed-domains")
                    .satisfies(e -> assertThat(((RejectedException) e).httpStatus()).isEqualTo(403));
        }
        assertThat(drain()).isEmpty();
    }

    @Test
    void acceptShouldAllowASenderInTheAllowedDomains() throws JMSException {
        acceptor(Set.of("example.com")).accept(submission("http", MESSAGE));

        assertThat(drain()).hasSize(3);
    }

    @Test
    void acceptShouldNotApplyAllowedSenderDomainsToPickup() throws JMSException {
        acceptor(Set.of("example.net")).accept(submission("pickup", MESSAGE));

        assertThat(drain()).hasSize(3).allSatisfy(j -> assertThat(j.wayIn()).isEqualTo("pickup"));
    }

    @Test
    void acceptShouldQueueNothingForARefusedMessage() throws JMSException {
        assertThatThrownBy(() -> acceptor(Set.of()).accept(submission("http", "From: alice@example.com\r\nSubject: x\r\n\r\nbody\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("no recipients");
        assertThatThrownBy(() -> acceptor(Set.of()).accept(submission("http", "just text, no header\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("no sender");
        assertThatThrownBy(() -> acceptor(Set.of()).accept(submission("http", "\u0000\u0001\u0002\u0003binary")))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("not a message: binary data");

        assertThat(drain()).isEmpty();
    }

    @Test
    void acceptShouldRefuseAMessageOverTheSizeLimitWith413() throws JMSException {
        MessageAcceptor small = new MessageAcceptor(new MessageSanitizer("relay.example.com", CLOCK, Spools.standard()), queue, 100, Set.of(), CLOCK);

        assertThatThrownBy(() -> small.accept(submission("http", MESSAGE)))
                .isInstanceOf(RejectedException.class)
                .satisfies(e -> assertThat(((RejectedException) e).httpStatus()).isEqualTo(413));
        assertThat(drain()).isEmpty();
    }

    @Test
    void acceptShouldSkipAnMboxFromLineAfterThePickupEnvelopeAndInAnHttpBody() throws JMSException {
        AtomicReference<SanitizeReport> report = new AtomicReference<>();
        MessageAcceptor acceptor = acceptor(Set.of());
        acceptor.onAccepted(report::set);
        String mbox = "From alice@example.com Sun Mar  1 09:00:00 2026\n" + MESSAGE.replace("\r\n", "\n");
        byte[] pickupFile = ("x-sender: alice@example.com\nx-receiver: zoe@example.com\n" + mbox).getBytes(StandardCharsets.UTF_8);

        acceptor.accept(new PickupFileReader().read(MessageBytes.of(pickupFile)));
        assertThat(report.get().count(SanitizeReport.MBOX_FROM)).isEqualTo(1);
        acceptor.accept(submission("http", mbox));

        List<Queued> jobs = drain();
        assertThat(jobs).extracting(Queued::rcptTo)
                .containsExactly("zoe@example.com", "bob@example.org,carol@example.org", "dave@bücher.example", "eve@example.net");
        assertThat(jobs).allSatisfy(j -> {
            assertThat(j.mailFrom()).isEqualTo("alice@example.com");
            assertThat(j.text()).doesNotContain("From alice").contains("\r\nFrom: Alice <alice@example.com>\r\n");
        });
    }

    @Test
    void acceptShouldTakeADigestWithoutHeaderAsABodyAndReportTheInsertedHeaderEnd() throws JMSException {
        AtomicReference<SanitizeReport> report = new AtomicReference<>();
        MessageAcceptor acceptor = acceptor(Set.of());
        acceptor.onAccepted(report::set);
        String digest = "Today's Topics:\r\n   1. lunch (Bob)\r\n\r\nMessage: 1\r\nTo: list@example.net\r\n";

        acceptor.accept(new Submission("http", digest.getBytes(StandardCharsets.UTF_8), "list@example.com", List.of("zoe@example.com")));

        assertThat(report.get().count(SanitizeReport.HEADER_END_INSERTED)).isEqualTo(1);
        assertThat(drain()).singleElement().satisfies(j -> assertThat(j.text()).endsWith(">\r\n\r\n" + digest));
    }

    @Test
    void acceptShouldReadRecipientsOnlyFromTheHeaderSectionAsTheSanitizerEndsIt() throws JMSException {
        String message = "From: alice@example.com\r\nTo: bob@example.org\r\nthis line is body text\r\nCc: mallory@example.net\r\n\r\nbody\r\n";

        acceptor(Set.of()).accept(submission("http", message));

        assertThat(drain()).singleElement().satisfies(j -> {
            assertThat(j.rcptTo()).isEqualTo("bob@example.org");
            assertThat(j.text()).contains("\r\n\r\nthis line is body text\r\nCc: mallory@example.net\r\n");
        });
    }

    @Test
    void aMessageTheHeapCannotTakeNowShouldBeRefusedForNowAndTheBudgetReturnedAfterEachAccept() throws JMSException {
        MessageAcceptor acceptor = acceptor(Set.of());
        int size = MESSAGE.getBytes(StandardCharsets.UTF_8).length;
        HeapBudget budget = new HeapBudget(3L * size);   // room for one message's three copies
        acceptor.limitHeap(budget);
        MessageAcceptor.Prepared held = acceptor.prepare(submission("http", MESSAGE));   // not yet sent: its bytes are held

        assertThatThrownBy(() -> acceptor.accept(submission("http", MESSAGE)))
                .isInstanceOf(HeapBudget.HeapFullException.class)
                .hasMessageContaining("MailRoute's heap is busy with other messages").hasMessageContaining("try again shortly");
        assertThat(acceptor.prepare(submission("internal", MESSAGE)).jobs()).as("MailRoute's own DSNs never wait").hasSize(3);

        held.release();
        acceptor.accept(submission("http", MESSAGE));
        acceptor.accept(submission("http", MESSAGE));
        assertThat(drain()).as("each accept gave its share back").hasSize(6);
    }
}
