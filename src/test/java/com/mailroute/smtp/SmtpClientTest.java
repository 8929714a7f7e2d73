package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import com.mailroute.spool.MessageBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact protocol behaviour against a scripted server. */
class SmtpClientTest {

    private static final byte[] MESSAGE = ("From: a@sender.test\r\nTo: x@header.test\r\nSubject: hi\r\n\r\n"
            + "line one\r\n.\r\n..two dots\r\nlast\r\n").getBytes(StandardCharsets.US_ASCII);

    private ScriptedSmtpServer server;
    private SmtpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedSmtpServer();
        client = new SmtpClient(settings(TlsPolicy.NONE, 10));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
    }

    private static SmtpSettings settings(TlsPolicy tls, int maxMessages) {
        return SmtpFixtures.withReuse(SmtpFixtures.withTimeouts(SmtpFixtures.settings("relay.mailroute.test", tls),
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)), maxMessages, Duration.ofSeconds(60));
    }

    private NextHop hop() throws IOException {
        return hop(server.port());
    }

    private static NextHop hop(int port) throws IOException {
        return new NextHop("mx.test", InetAddress.getByName("127.0.0.1"), port, "mx 10");
    }

    private HopResult deliver(String... recipients) throws IOException {
        return client.deliver(hop(), "a@sender.test", List.of(recipients), caps -> SmtpFixtures.asIs(MESSAGE));
    }

    @Test
    void deliverShouldSendEnvelopeAndExactBytesWithDotStuffingUndoneByServer() throws IOException {
        HopResult result = deliver("b@rcpt.test");

        assertThat(result.hostFailure()).isNull();
        assertThat(result.recipients()).singleElement().satisfies(r -> {
            assertThat(r.delivered()).isTrue();
            assertThat(r.reply().text()).isEqualTo("250 2.0.0 Ok: queued as 1234");
        });
        assertThat(server.commandsStartingWith("MAIL")).containsExactly("MAIL FROM:<a@sender.test> SIZE=" + MESSAGE.length);
        assertThat(server.commandsStartingWith("RCPT")).containsExactly("RCPT TO:<b@rcpt.test>");
        assertThat(server.commandsStartingWith("EHLO")).containsExactly("EHLO relay.mailroute.test");
        assertThat(server.messages).singleElement().isEqualTo(MESSAGE);
    }

    @Test
    void mailFromShouldCarrySizeAndBody8BitMimeAndSmtpUtf8WhenPreparerAsks() throws IOException {
        AtomicReference<ServerCapabilities> seen = new AtomicReference<>();
        server.ehloReply = "250-scripted.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE 1000000\r\n250 PIPELINING";

        client.deliver(hop(), "", List.of("b@rcpt.test"), caps -> {
            seen.set(caps);
            return new PreparedMessage(MessageBytes.of(MESSAGE), true, true, "as is");
        });

        assertThat(server.commandsStartingWith("MAIL"))
                .containsExactly("MAIL FROM:<> SIZE=" + MESSAGE.length + " BODY=8BITMIME SMTPUTF8");
        assertThat(seen.get()).isEqualTo(new ServerCapabilities(
                java.util.Set.of("8BITMIME", "SMTPUTF8", "SIZE", "PIPELINING"), 1000000, true, true, false, true));
    }

    @Test
    void preparerShouldSeeNoEightBitMimeWhenEhloLacksItAndNoSizeIsSent() throws IOException {
        AtomicReference<ServerCapabilities> seen = new AtomicReference<>();
        server.ehloReply = "250-domino.test Hello\r\n250 PIPELINING";

        HopResult result = client.deliver(hop(), "a@sender.test", List.of("b@rcpt.test"), caps -> {
            seen.set(caps);
            return new PreparedMessage(MessageBytes.of(MESSAGE), false, false, "converted 8bit→7bit: 1 part");
        });

        assertThat(seen.get().eightBitMime()).isFalse();
        assertThat(seen.get().sizeLimit()).isZero();
        assertThat(result.note()).isEqualTo("converted 8bit→7bit: 1 part");
        assertThat(server.commandsStartingWith("MAIL")).containsExactly("MAIL FROM:<a@sender.test>");
    }

    @Test
    void refusedRecipientShouldFailAloneWithVerbatimMultiLineReply() throws IOException {
        String refusal = "550-5.1.1 The email account that you tried to reach does not exist.\r\n"
                + "550 5.1.1 Please check the recipient's address.";
        server.rcptReply = rcpt -> rcpt.contains("nobody@") ? refusal : "250 2.1.5 Ok";

        HopResult result = deliver("one@rcpt.test", "nobody@rcpt.test", "three@rcpt.test");

        assertThat(result.recipients()).extracting(RecipientResult::recipient, RecipientResult::delivered)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("one@rcpt.test", true),
                        org.assertj.core.groups.Tuple.tuple("nobody@rcpt.test", false),
                        org.assertj.core.groups.Tuple.tuple("three@rcpt.test", true));
        RecipientResult refused = result.recipients().get(1);
        assertThat(refused.stage()).isEqualTo(SmtpStage.RCPT);
        assertThat(refused.reply()).isEqualTo(new SmtpReply(550, "5.1.1", refusal));
        assertThat(server.messages).hasSize(1);
    }

    @Test
    void allRecipientsRefusedShouldSendNoMessageAndLeaveTheConnectionCleanForTheNext() throws IOException {
        server.rcptReply = rcpt -> rcpt.contains("@rcpt.test") ? "550 5.1.1 <" + rcpt.substring(9, rcpt.length() - 1) + ">: Recipient address rejected"
                : "250 2.1.5 Ok";

        HopResult result = deliver("x@rcpt.test", "y@rcpt.test");
        HopResult next = deliver("z@other.test");

        assertThat(result.recipients()).allSatisfy(r -> {
            assertThat(r.delivered()).isFalse();
            assertThat(r.stage()).isEqualTo(SmtpStage.RCPT);
        });
        assertThat(result.recipients().get(1).reply().text()).isEqualTo("550 5.1.1 <y@rcpt.test>: Recipient address rejected");
        assertThat(next.allDelivered()).isTrue();
        assertThat(next.connectionReused()).isTrue();
        assertThat(server.messages).hasSize(1);   // only the second one's
        assertThat(server.commands).contains("RSET");
    }

    @Test
    void withoutPipeliningAllRecipientsRefusedShouldNeverSendData() throws IOException {
        server.ehloReply = "250-scripted.test\r\n250 8BITMIME";
        server.rcptReply = rcpt -> "550 5.1.1 Recipient address rejected";

        HopResult result = deliver("x@rcpt.test", "y@rcpt.test");

        assertThat(result.recipients()).allSatisfy(r -> assertThat(r.stage()).isEqualTo(SmtpStage.RCPT));
        assertThat(server.commands).noneMatch(c -> c.equals("DATA")).contains("RSET");
    }

    @Test
    void aHostThatTakesDataWithNoRecipientShouldGetAnEmptyMessageEndedAtOnce() throws IOException {
        server.dataWithoutRecipients = true;
        server.rcptReply = rcpt -> "550 5.1.1 Recipient address rejected";

        HopResult result = deliver("x@rcpt.test");
        HopResult next = deliver("y@rcpt.test");

        assertThat(result.recipients().get(0).reply().text()).isEqualTo("550 5.1.1 Recipient address rejected");
        assertThat(server.messages).allSatisfy(m -> assertThat(m).isEmpty());
        assertThat(next.connectionReused()).isTrue();
        assertThat(next.recipients().get(0).stage()).isEqualTo(SmtpStage.RCPT);
    }

    @Test
    void rejectedMailFromShouldFailAllRecipientsAtMail() throws IOException {
        server.mailReply = "552 5.3.4 Message size exceeds fixed limit";

        HopResult result = deliver("x@rcpt.test", "y@rcpt.test");

        assertThat(result.recipients()).allSatisfy(r -> {
            assertThat(r.stage()).isEqualTo(SmtpStage.MAIL);
            assertThat(r.reply()).isEqualTo(new SmtpReply(552, "5.3.4", "552 5.3.4 Message size exceeds fixed limit"));
        });
        assertThat(server.messages).isEmpty();
        assertThat(server.commands).contains("RSET");
    }

    @Test
    void withoutPipeliningRejectedMailFromShouldSendNoRecipient() throws IOException {
        server.ehloReply = "250-scripted.test\r\n250 SIZE 1000000";
        server.mailReply = "550 5.7.1 Sender rejected";

        HopResult result = deliver("x@rcpt.test");

        assertThat(result.recipients().get(0).reply().text()).isEqualTo("550 5.7.1 Sender rejected");
        assertThat(server.commandsStartingWith("RCPT")).isEmpty();
    }

    @Test
    void aPipeliningHostShouldGetRsetMailRcptAndDataBeforeAnyReply() throws IOException {
        deliver("w@rcpt.test");                  // a pooled connection, so the next transaction starts with RSET
        server.repliesOnlyAfterData = true;      // a client waiting for each reply would time out

        HopResult result = deliver("x@rcpt.test", "y@rcpt.test");

        assertThat(result.allDelivered()).as(result.toString()).isTrue();
        assertThat(result.connectionReused()).isTrue();
        assertThat(server.commands.subList(server.commands.size() - 5, server.commands.size())).containsExactly(
                "RSET", "MAIL FROM:<a@sender.test> SIZE=" + MESSAGE.length, "RCPT TO:<x@rcpt.test>", "RCPT TO:<y@rcpt.test>", "DATA");
        assertThat(server.messages.get(1)).isEqualTo(MESSAGE);
    }

    @Test
    void aHostWithoutPipeliningShouldGetOneCommandAtATime() throws IOException {
        server.ehloReply = "250-scripted.test\r\n250 8BITMIME";

        deliver("w@rcpt.test");
        HopResult result = deliver("x@rcpt.test", "y@rcpt.test");

        assertThat(result.allDelivered()).isTrue();
        assertThat(server.commands).containsSubsequence("RSET", "MAIL FROM:<a@sender.test>", "RCPT TO:<x@rcpt.test>", "DATA");
        assertThat(server.sentAhead).hasValue(0);
    }

    @Test
    void manyRecipientsShouldBePipelinedInGroupsAndAllGetTheirOwnReply() throws IOException {
        // every tenth recipient, from r7 on, is refused: some in each group of pipelined commands
        server.rcptReply = rcpt -> rcpt.endsWith("7@rcpt.test>") ? "452 4.5.3 Too many recipients from " + rcpt.substring(8) : "250 2.1.5 Ok";
        String[] recipients = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "r" + i + "@rcpt.test").toArray(String[]::new);

        HopResult result = deliver(recipients);

        assertThat(result.recipients()).hasSize(200);
        assertThat(result.recipients().get(7).reply().text()).isEqualTo("452 4.5.3 Too many recipients from <r7@rcpt.test>");
        assertThat(result.recipients().get(197).reply().text()).isEqualTo("452 4.5.3 Too many recipients from <r197@rcpt.test>");
        assertThat(result.recipients().get(198).reply().text()).isEqualTo("250 2.0.0 Ok: queued as 1234");
        assertThat(result.recipients().stream().filter(RecipientResult::delivered).count()).isEqualTo(180);
        assertThat(server.messages).hasSize(1);
    }

    @Test
    void transientGreetingShouldTellToTryNextHost() throws IOException {
        server.greeting = "421 4.3.2 mx.test busy, try later";

        HopResult result = deliver("x@rcpt.test");

        assertThat(result.tryNextHost()).isTrue();
        assertThat(result.hostFailure().stage()).isEqualTo(SmtpStage.GREETING);
        assertThat(result.hostFailure().reply()).isEqualTo(new SmtpReply(421, "4.3.2", "421 4.3.2 mx.test busy, try later"));
        assertThat(result.recipients()).singleElement().satisfies(r -> {
            assertThat(r.delivered()).isFalse();
            assertThat(r.stage()).isEqualTo(SmtpStage.GREETING);
        });
    }

    @Test
    void connectionRefusedShouldTellToTryNextHost() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }

        HopResult result = client.deliver(hop(closedPort), "a@sender.test", List.of("x@rcpt.test"),
                caps -> SmtpFixtures.asIs(MESSAGE));

        assertThat(result.tryNextHost()).isTrue();
        assertThat(result.hostFailure()).isEqualTo(new HostFailure(SmtpStage.CONNECT, null, "connection refused", false));
    }

    @Test
    void silentGreetingShouldTimeOutAndTellToTryNextHost() throws IOException {
        server.greeting = null;

        HopResult result = deliver("x@rcpt.test");

        assertThat(result.tryNextHost()).isTrue();
        assertThat(result.hostFailure().stage()).isEqualTo(SmtpStage.GREETING);
        assertThat(result.hostFailure().error()).isEqualTo("timed out after 2s waiting for the greeting");
    }

    @Test
    void transientEhloShouldTellToTryNextHost() throws IOException {
        server.ehloReply = "421 4.7.0 too many connections";

        HopResult result = deliver("x@rcpt.test");

        assertThat(result.tryNextHost()).isTrue();
        assertThat(result.hostFailure().stage()).isEqualTo(SmtpStage.EHLO);
        assertThat(result.hostFailure().reply().code()).isEqualTo(421);
        assertThat(server.commandsStartingWith("HELO")).isEmpty();
    }

    @Test
    void ehloRefusedWith5xxShouldFallBackToHelo() throws IOException {
        AtomicReference<ServerCapabilities> seen = new AtomicReference<>();
        server.ehloReply = "500 5.5.1 Command unrecognized";

        HopResult result = client.deliver(hop(), "a@sender.test", List.of("x@rcpt.test"), caps -> {
            seen.set(caps);
            return SmtpFixtures.asIs(MESSAGE);
        });

        assertThat(server.commandsStartingWith("HELO")).containsExactly("HELO relay.mailroute.test");
        assertThat(seen.get().extensions()).isEmpty();
        assertThat(result.allDelivered()).isTrue();
    }

    @Test
    void encryptPolicyWithoutStartTlsShouldBeTransientHostFailureAtStartTls() throws IOException {
        try (SmtpClient strict = new SmtpClient(settings(TlsPolicy.ENCRYPT, 10))) {
            HopResult result = strict.deliver(hop(), "a@sender.test", List.of("x@rcpt.test"),
                    caps -> SmtpFixtures.asIs(MESSAGE));

            assertThat(result.hostFailure().stage()).isEqualTo(SmtpStage.STARTTLS);
            assertThat(result.hostFailure().permanent()).isFalse();
            assertThat(result.hostFailure().error()).contains("did not offer STARTTLS");
            assertThat(result.tryNextHost()).isTrue();
            assertThat(server.commandsStartingWith("MAIL")).isEmpty();
        }
    }

    @Test
    void refusedDataShouldFailAcceptedRecipientsAtData() throws IOException {
        server.dataReply = "554 5.5.1 Error: no valid recipients";

        HopResult result = deliver("x@rcpt.test");

        assertThat(result.recipients()).singleElement().satisfies(r -> {
            assertThat(r.stage()).isEqualTo(SmtpStage.DATA);
            assertThat(r.reply().text()).isEqualTo("554 5.5.1 Error: no valid recipients");
        });
    }

    @Test
    void rejectionAfterEndOfDataShouldFailAllAtEndOfDataVerbatim() throws IOException {
        server.endOfDataReply = "554-5.6.0 custom text\r\n554 5.6.0 second line";
        server.rcptReply = rcpt -> rcpt.contains("refused") ? "450 4.2.0 greylisted" : "250 2.1.5 Ok";

        HopResult result = deliver("x@rcpt.test", "refused@rcpt.test", "y@rcpt.test");

        assertThat(result.hostFailure()).isNull();
        assertThat(result.recipients()).extracting(RecipientResult::stage)
                .containsExactly(SmtpStage.END_OF_DATA, SmtpStage.RCPT, SmtpStage.END_OF_DATA);
        assertThat(result.recipients().get(0).reply())
                .isEqualTo(new SmtpReply(554, "5.6.0", "554-5.6.0 custom text\r\n554 5.6.0 second line"));
        assertThat(result.recipients().get(1).reply().text()).isEqualTo("450 4.2.0 greylisted");
    }

    @Test
    void droppedConnectionAfterDataShouldBeTransientAndSayMayHaveBeenDelivered() throws IOException {
        server.dropAfterData = true;

        HopResult result = deliver("x@rcpt.test");

        assertThat(server.messages).hasSize(1);
        assertThat(result.hostFailure().stage()).isEqualTo(SmtpStage.END_OF_DATA);
        assertThat(result.hostFailure().permanent()).isFalse();
        assertThat(result.hostFailure().error())
                .isEqualTo("connection dropped after end of data, before the reply: the message may have been delivered");
        assertThat(result.tryNextHost()).isFalse();
        assertThat(result.recipients()).singleElement().satisfies(r -> {
            assertThat(r.delivered()).isFalse();
            assertThat(r.stage()).isEqualTo(SmtpStage.END_OF_DATA);
            assertThat(r.reply()).isNull();
        });
    }

    @Test
    void policyRejectionShouldSendNoMailFromAndKeepTheConnection() throws IOException {
        HopResult rejected = client.deliver(hop(), "a@sender.test", List.of("x@rcpt.test", "y@rcpt.test"), caps -> {
            throw new PolicyRejection("5.6.7", "SMTPUTF8 is needed but mx.test did not announce it");
        });
        HopResult next = deliver("z@rcpt.test");

        assertThat(rejected.hostFailure()).isNull();
        assertThat(rejected.recipients()).extracting(RecipientResult::recipient).containsExactly("x@rcpt.test", "y@rcpt.test");
        assertThat(rejected.recipients()).allSatisfy(r -> {
            assertThat(r.delivered()).isFalse();
            assertThat(r.stage()).isEqualTo(SmtpStage.POLICY);
            assertThat(r.reply()).as("MailRoute's refusal is not a server reply").isNull();
            assertThat(r.refusal().enhancedStatus()).isEqualTo("5.6.7");
            assertThat(r.refusal().reason()).isEqualTo("SMTPUTF8 is needed but mx.test did not announce it");
        });
        assertThat(server.commandsStartingWith("MAIL")).containsExactly("MAIL FROM:<a@sender.test> SIZE=" + MESSAGE.length);
        assertThat(server.commandsStartingWith("RCPT")).containsExactly("RCPT TO:<z@rcpt.test>");
        assertThat(next.connectionReused()).isTrue();
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void aReusedConnectionShouldReportTheHopItWasAskedForNotTheOneItWasOpenedFor() throws IOException {
        deliver("x@rcpt.test");   // opens the connection for "mx 10"
        NextHop asSecondMx = new NextHop("mx.test", InetAddress.getByName("127.0.0.1"), server.port(), "mx 20");

        HopResult result = client.deliver(asSecondMx, "a@sender.test", List.of("y@other.test"), caps -> SmtpFixtures.asIs(MESSAGE));

        assertThat(result.connectionReused()).isTrue();
        assertThat(result.hop()).isSameAs(asSecondMx);
    }

    @Test
    void secondDeliveryShouldReuseTheConnectionWithRsetBetween() throws IOException {
        HopResult first = deliver("x@rcpt.test");
        HopResult second = deliver("y@rcpt.test");

        assertThat(server.connections).hasValue(1);
        assertThat(first.connectionReused()).isFalse();
        assertThat(second.connectionReused()).isTrue();
        assertThat(server.commands).containsSubsequence("DATA", "RSET", "MAIL FROM:<a@sender.test> SIZE=" + MESSAGE.length);
        assertThat(server.messages).hasSize(2);
    }

    @Test
    void maxMessagesPerConnectionShouldOpenANewConnection() throws IOException {
        try (SmtpClient limited = new SmtpClient(settings(TlsPolicy.NONE, 2))) {
            for (int i = 0; i < 3; i++) {
                limited.deliver(hop(), "a@sender.test", List.of("x@rcpt.test"), caps -> SmtpFixtures.asIs(MESSAGE));
            }
        }
        assertThat(server.messages).hasSize(3);
        assertThat(server.connections).hasValue(2);
        assertThat(server.commandsStartingWith("QUIT")).as(server.commands.toString()).hasSize(2);
    }

    @Test
    void cachedConnectionClosedByServerShouldBeReplacedWithoutFailing() throws IOException {
        server.closeAfterEachMessage = true;

        HopResult first = deliver("x@rcpt.test");
        HopResult second = deliver("y@rcpt.test");

        assertThat(first.allDelivered()).isTrue();
        assertThat(second.allDelivered()).isTrue();
        assertThat(second.connectionReused()).isFalse();
        assertThat(server.connections).hasValue(2);
        assertThat(server.messages).hasSize(2);
    }
}
