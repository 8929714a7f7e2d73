package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Postfix's smtp-sink as faulty next hops: temporary and permanent RCPT refusals, a refusal after
 * the data, and a connection dropped after the data. Dead letters must carry the peer's reply verbatim.
 */
class SmtpFaultsIT {
    static final Duration MAX_LIFETIME = Duration.ofSeconds(15);
    static final Duration OUTCOME = Duration.ofSeconds(60);
    static Peers peers = Peers.load();
    static RelayProcess relay;
    static String sender;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay)
            .peerLog(peers.sinkLog("RCPT4XX")).peerLog(peers.sinkLog("RCPT5XX"))
            .peerLog(peers.sinkLog("DATA554")).peerLog(peers.sinkLog("DROPDATA"));

    @BeforeAll
    static void startRelay() {
        sender = "it@" + peers.get("PEERS_DOMAIN_LENIENT");
        relay = new RelayProcess("smtp-faults", peers, Map.of("mailroute.queue.max-lifetime", MAX_LIFETIME.toSeconds() + "s")).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    @Test
    void rcpt4xxShouldBeRetriedThenExpireWithThePeersReplyVerbatim() {
        String domain = peers.get("PEERS_RCPT4XX_DOMAIN");
        String to = Run.token("rcpt4xx") + "@" + domain;
        String queueId = relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("rcpt4xx")));

        await("rcpt4xx job rescheduled").atMost(OUTCOME).untilAsserted(() -> {
            assertThat(relay.logLinesContaining("rescheduled id=" + queueId + " domain=" + domain, peers.get("PEERS_RCPT4XX_REPLY"))).isNotEmpty();
            assertThat(relay.queueCount(domain, "scheduled")).as("GET /api/queue byDomain.%s.scheduled", domain).isEqualTo(1);
        });
        assertThat(relay.deadLetterFor(to)).isEmpty();

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("reply").asText()).isEqualTo(peers.get("PEERS_RCPT4XX_REPLY"));
        assertThat(dl.get("replyCode").asInt()).isEqualTo(450);
        assertThat(dl.get("stage").asText()).isEqualTo("rcpt");
        assertThat(dl.get("remoteHost").asText()).isEqualTo("mx-rcpt4xx.mr.test [" + peers.get("PEERS_RCPT4XX_HOST") + "]");
        assertThat(dl.get("enhancedStatus").asText()).startsWith("4.");
        assertThat(dl.get("reason").asText()).contains("gave up after").contains("450 4.3.0 Error: command failed");
        assertThat(dl.get("attempts").asInt()).isGreaterThan(1);
    }

    @Test
    void rcpt5xxShouldBeDeadLetteredAtOnceWithThePeersReplyVerbatim() {
        String to = Run.token("rcpt5xx") + "@" + peers.get("PEERS_RCPT5XX_DOMAIN");
        relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("rcpt5xx")));

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("reply").asText()).isEqualTo("550 5.1.1 Recipient address rejected by rcpt5xx peer")
                .isEqualTo(peers.get("PEERS_RCPT5XX_REPLY"));
        assertThat(dl.get("replyCode").asInt()).isEqualTo(550);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.1.1");
        assertThat(dl.get("stage").asText()).isEqualTo("rcpt");
        assertThat(dl.get("remoteHost").asText()).isEqualTo("mx-rcpt5xx.mr.test [" + peers.get("PEERS_RCPT5XX_HOST") + "]");
        assertThat(dl.get("attempts").asInt()).isEqualTo(1);
        assertThat(dl.get("sender").asText()).isEqualTo(sender);
    }

    @Test
    void data554ShouldBeDeadLetteredAtEndOfDataWithThePeersReplyVerbatim() {
        String subject = Run.token("data554");
        String to = subject + "@" + peers.get("PEERS_DATA554_DOMAIN");
        relay.submit(sender, to, TestMessages.simple(sender, to, subject));

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("reply").asText()).isEqualTo("554 5.6.0 custom text from data554 peer")
                .isEqualTo(peers.get("PEERS_DATA554_REPLY"));
        assertThat(dl.get("replyCode").asInt()).isEqualTo(554);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.6.0");
        assertThat(dl.get("stage").asText()).isEqualTo("end of data");
        assertThat(dl.get("attempts").asInt()).isEqualTo(1);
        // The peer did receive the data it then refused.
        assertThat(peers.sinkDumps("DATA554").withSubject(subject)).singleElement()
                .satisfies(d -> assertThat(d.rcptArgs()).containsExactly("<" + to + ">"));
    }

    @Test
    void droppedConnectionAfterDataShouldBeRetriedAndLoggedAsPossiblyDelivered() {
        String domain = peers.get("PEERS_DROPDATA_DOMAIN");
        String subject = Run.token("dropdata");
        String to = subject + "@" + domain;
        String queueId = relay.submit(sender, to, TestMessages.simple(sender, to, subject));

        await("dropdata job rescheduled").atMost(OUTCOME).untilAsserted(() -> {
            assertThat(relay.logLinesContaining("rescheduled id=" + queueId + " domain=" + domain))
                    .anySatisfy(l -> assertThat(l).contains("the message may have been delivered"));
            assertThat(relay.queueCount(domain, "scheduled")).as("GET /api/queue byDomain.%s.scheduled", domain).isEqualTo(1);
        });
        // The peer got the whole message before it hung up.
        assertThat(peers.sinkDumps("DROPDATA").withSubject(subject))
                .anySatisfy(d -> assertThat(new String(d.bytes(), java.nio.charset.StandardCharsets.US_ASCII)).contains("end of " + subject));
    }

    private static JsonNode awaitDeadLetter(String recipient) {
        return await("dead letter for " + recipient).atMost(OUTCOME).pollInterval(Duration.ofMillis(500))
                .until(() -> relay.deadLetterFor(recipient), d -> d.isPresent()).orElseThrow();
    }
}
