package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An 8-bit MIME message (nested multiparts, 8-bit text/plain and text/html, a message/rfc822
 * attachment with an 8-bit body) goes converted to the strict Postfix — which hides 8BITMIME and
 * refuses any byte 0x80-0xFF with 550 5.6.0, so its acceptance proves the conversion — and goes
 * unchanged, as 8BITMIME, to the next hops that announce 8BITMIME.
 */
class EightBitIT {
    static final Duration DELIVERY = Duration.ofSeconds(60);
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay)
            .peerLog(peers.strictMaillog()).peerLog(peers.lenientMaillog()).peerLog(peers.sinkLog("SINK"));

    @BeforeAll
    static void startRelay() {
        relay = new RelayProcess("eight-bit", peers, Map.of()).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    @Test
    void eightBitMessageShouldReachTheStrictPostfixConvertedWithTheSameDecodedContent() {
        String subject = Run.token("eight-bit-strict");
        String from = "shop@" + peers.get("PEERS_DOMAIN_LENIENT");
        String to = "dylan-" + subject + "@" + peers.get("PEERS_DOMAIN_GOOD");
        byte[] original = TestMessages.eightBit(from, to, subject);
        assertThat(RawMessage.eightBitBytes(original)).isGreaterThan(0);

        relay.submit(from, to, original);

        // The strict Postfix's verdict: accepted (its pcre checks refuse any byte >= 0x80) and delivered.
        String delivered = await("strict Postfix delivery line for " + to).atMost(DELIVERY)
                .until(() -> peers.strictMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        assertThat(peers.strictMaillog().transactionOf(to)).noneMatch(l -> l.contains("reject:"));

        byte[] stored = peers.strictMaildir().messageWithSubject(subject).orElseThrow();
        assertThat(RawMessage.eightBitBytes(stored)).as("bytes >= 0x80 in the strict Postfix's copy").isZero();
        assertThat(RawMessage.unfoldedHeaders(stored) + new String(RawMessage.body(stored), java.nio.charset.StandardCharsets.US_ASCII))
                .containsIgnoringCase("Content-Transfer-Encoding: quoted-printable");
        List<String> decoded = DecodedParts.of(stored);
        assertThat(decoded).containsExactlyElementsOf(DecodedParts.of(original));
        // The line break before a boundary belongs to the boundary (RFC 2046 5.1.1), hence strip().
        assertThat(decoded).contains(
                "1.1.1 text/plain: " + TestMessages.EIGHT_BIT_TEXT.strip(),
                "1.1.2.1 text/plain: " + TestMessages.EIGHT_BIT_ALTERNATIVE.strip(),
                "1.1.2.2 text/html: " + TestMessages.EIGHT_BIT_HTML.strip(),
                "1.2.1 text/plain: " + TestMessages.EIGHT_BIT_INNER.strip());
        assertThat(relay.deadLetterFor(to)).isEmpty();
    }

    @Test
    void eightBitMessageShouldReachTheLenientPostfixUnconverted() {
        String subject = Run.token("eight-bit-lenient");
        String from = "shop@" + peers.get("PEERS_DOMAIN_LENIENT");
        String to = "dylan-" + subject + "@" + peers.get("PEERS_DOMAIN_LENIENT");
        byte[] original = TestMessages.eightBit(from, to, subject);

        relay.submit(from, to, original);

        // Postfix logs the delivery after the Maildir file is in place.
        String delivered = await("lenient Postfix delivery line for " + to).atMost(DELIVERY)
                .until(() -> peers.lenientMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        byte[] stored = peers.lenientMaildir().messageWithSubject(subject).orElseThrow();
        // Postfix does not log the BODY= parameter; the body arriving byte for byte as sent (only the
        // Maildir's LF line ends differ) shows nothing was converted.
        assertThat(RawMessage.body(stored)).isEqualTo(RawMessage.lf(RawMessage.body(original)));
        assertThat(RawMessage.eightBitBytes(stored)).isEqualTo(RawMessage.eightBitBytes(original));
        assertThat(DecodedParts.of(stored)).containsExactlyElementsOf(DecodedParts.of(original));
    }

    @Test
    void eightBitMessageShouldBeSentWithBody8BitMimeToAPeerThatAnnouncesIt() {
        // smtp-sink records the MAIL FROM arguments exactly as received (X-Mail-Args), which Postfix does not log.
        String subject = Run.token("eight-bit-sink");
        String from = "shop@" + peers.get("PEERS_DOMAIN_LENIENT");
        String to = "dylan-" + subject + "@" + peers.get("PEERS_SINK_DOMAIN");
        byte[] original = TestMessages.eightBit(from, to, subject);

        relay.submit(from, to, original);

        // The dump file grows as the data arrives: wait for all of it.
        await("complete smtp-sink dump of " + subject).atMost(DELIVERY).untilAsserted(() ->
                assertThat(peers.sinkDumps("SINK").withSubject(subject)).singleElement().satisfies(dump -> {
                    assertThat(dump.mailArgs()).isEqualTo("<" + from + "> BODY=8BITMIME");
                    assertThat(dump.rcptArgs()).containsExactly("<" + to + ">");
                    assertThat(RawMessage.body(dump.bytes())).startsWith(RawMessage.lf(RawMessage.body(original)));
                }));
    }
}
