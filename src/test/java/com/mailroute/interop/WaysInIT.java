package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each way in (pickup file, JMS through the standalone Artemis broker, HTTP) delivers to real
 * Postfix next hops, and the seed case — a receipt written with bare LF everywhere — is accepted by
 * the strict Postfix that refuses bare LF with "550 5.5.2 ... bare &lt;LF&gt; received".
 * The relay uses the standalone broker (mailroute.broker.url) for every queue.
 */
class WaysInIT {
    static final Duration DELIVERY = Duration.ofSeconds(60);
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay)
            .peerLog(peers.lenientMaillog()).peerLog(peers.strictMaillog());

    @BeforeAll
    static void startRelay() {
        relay = new RelayProcess("ways-in", peers, Map.of(
                "mailroute.broker.url", peers.get("PEERS_ARTEMIS_URL"),
                "mailroute.broker.user", peers.get("PEERS_ARTEMIS_USER"),
                "mailroute.broker.password", peers.get("PEERS_ARTEMIS_PASSWORD"))).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WayIn.class)
    void eachWayInShouldDeliverToTheLenientPostfix(WayIn way) {
        String token = Run.token("ways-in-" + way);
        String from = "app@" + peers.get("PEERS_DOMAIN_LENIENT");
        String to = token + "@" + peers.get("PEERS_DOMAIN_LENIENT");

        way.submit(relay, peers, from, to, TestMessages.simple(from, to, token));

        // Postfix logs the delivery after the Maildir file is in place.
        String delivered = await("lenient Postfix delivery line for " + to).atMost(DELIVERY)
                .until(() -> peers.lenientMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        byte[] stored = peers.lenientMaildir().messageWithSubject(token).orElseThrow();
        assertThat(RawMessage.headerValue(stored, "Return-Path")).contains("<" + from + ">");
        assertThat(RawMessage.headerValue(stored, "Delivered-To")).contains(to);
        assertThat(RawMessage.unfoldedHeaders(stored)).contains("Received: from " + way.receivedWith() + " by relay.test (MailRoute) with "
                + way.receivedWith() + " id ");
        assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII)).isEqualTo("token " + token + "\nend of " + token + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(WayIn.class)
    void bareLfReceiptShouldBeAcceptedByTheStrictPostfix(WayIn way) {
        String subject = Run.token("your-order-" + way);
        String from = "shop@" + peers.get("PEERS_DOMAIN_LENIENT");
        String to = "dylan-" + subject + "@" + peers.get("PEERS_DOMAIN_GOOD");
        byte[] receipt = TestMessages.bareLfReceipt(from, to, subject);
        assertThat(new String(receipt, StandardCharsets.US_ASCII)).doesNotContain("\r");

        way.submit(relay, peers, from, to, receipt);

        // The strict Postfix's own word: smtpd accepted the data (it refuses any bare LF with 550 5.5.2),
        // and virtual(8) delivered it to the Maildir.
        PeerLog maillog = peers.strictMaillog();
        String delivered = await("strict Postfix delivery line for " + to).atMost(DELIVERY)
                .until(() -> maillog.deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        String postfixQueueId = PeerLog.queueId(delivered).orElseThrow();
        relay.awaitLogLine("mx-strict.mr.test [127.0.0.2]:25", "1/1 delivered", "end of data: 250 2.0.0 Ok: queued as " + postfixQueueId);
        assertThat(maillog.transactionOf(to)).as("strict Postfix's lines for %s", to)
                .noneMatch(l -> l.contains("reject:")).noneMatch(l -> l.contains("bare <LF>"));

        byte[] stored = peers.strictMaildir().messageWithSubject(subject).orElseThrow();
        assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII)).isEqualTo(TestMessages.RECEIPT_BODY);
        assertThat(RawMessage.headerValue(stored, "Delivered-To")).contains(to);
        assertThat(relay.deadLetterFor(to)).isEmpty();
    }
}
