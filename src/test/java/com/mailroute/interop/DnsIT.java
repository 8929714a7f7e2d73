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
 * Next-hop resolution against a real authoritative DNS server (Knot): MX preference with a dead
 * first MX, implicit MX, null MX, NXDOMAIN, an MX without address, and SERVFAIL (retried, then
 * expired after a short mailroute.queue.max-lifetime).
 */
class DnsIT {
    static final Duration MAX_LIFETIME = Duration.ofSeconds(15);
    static final Duration OUTCOME = Duration.ofSeconds(60);
    static Peers peers = Peers.load();
    static RelayProcess relay;
    static String sender;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay).peerLog(peers.lenientMaillog())
            .peerLog(new PeerLog("Knot DNS log", peers.path("PEERS_DNS_LOG")));

    @BeforeAll
    static void startRelay() {
        sender = "it@" + peers.get("PEERS_DOMAIN_LENIENT");
        relay = new RelayProcess("dns", peers, Map.of("mailroute.queue.max-lifetime", MAX_LIFETIME.toSeconds() + "s")).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    @Test
    void prefShouldBeDeliveredThroughTheSecondMxWhenTheFirstRefusesConnections() {
        String to = Run.token("pref") + "@" + peers.get("PEERS_DOMAIN_PREF");
        relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("pref")));

        // Only the MX 20 host (the lenient Postfix) can have delivered it: MX 10 has nothing listening.
        String delivered = await("lenient Postfix delivery line for " + to).atMost(OUTCOME)
                .until(() -> peers.lenientMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        assertThat(peers.lenientMaildir().messageWithSubject(Run.token("pref"))).isPresent();
        relay.awaitLogLine("mx-refused.mr.test [" + peers.get("PEERS_REFUSED_HOST") + "]:25 (mx 10): 0/1 delivered", "connection refused");
        relay.awaitLogLine("mx-lenient.mr.test [127.0.0.3]:25 (mx 20): 1/1 delivered", "queued as " + PeerLog.queueId(delivered).orElseThrow());
    }

    @Test
    void domainWithoutMxShouldBeDeliveredToItsOwnAddress() {
        String to = Run.token("implicit") + "@" + peers.get("PEERS_DOMAIN_IMPLICIT");
        relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("implicit")));

        String delivered = await("lenient Postfix delivery line for " + to).atMost(OUTCOME)
                .until(() -> peers.lenientMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        relay.awaitLogLine("implicit.mr.test [127.0.0.3]:25 (implicit mx): 1/1 delivered", "queued as " + PeerLog.queueId(delivered).orElseThrow());
    }

    @Test
    void nullMxShouldBeDeadLetteredWith5110NamingTheNullMx() {
        String to = Run.token("nullmx") + "@" + peers.get("PEERS_DOMAIN_NULLMX");
        String queueId = relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("nullmx")));

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.1.10");
        assertThat(dl.get("reason").asText()).contains("nullmx.mr.test").contains("null MX").contains("MX 0 .");
        assertThat(dl.get("stage").asText()).isEqualTo("dns");
        assertThat(dl.get("attempts").asInt()).isEqualTo(1);
        assertThat(dl.get("queueId").asText()).isEqualTo(queueId);
    }

    @Test
    void nxdomainShouldBeDeadLetteredWith512() {
        String to = Run.token("nxdomain") + "@" + peers.get("PEERS_DOMAIN_NXDOMAIN");
        relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("nxdomain")));

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.1.2");
        assertThat(dl.get("reason").asText()).contains("nxdomain.mr.test").contains("NXDOMAIN");
        assertThat(dl.get("stage").asText()).isEqualTo("dns");
        assertThat(dl.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void mxWhoseHostDoesNotExistShouldBeDeadLetteredWith512() {
        String to = Run.token("dangling") + "@" + peers.get("PEERS_DOMAIN_DANGLING");
        relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("dangling")));

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("enhancedStatus").asText()).isEqualTo("5.1.2");
        assertThat(dl.get("reason").asText()).contains("dangling.mr.test").contains("nowhere.mr.test");
    }

    @Test
    void servfailShouldBeRetriedThenExpireWithA44Status() {
        String domain = peers.get("PEERS_DOMAIN_SERVFAIL");
        String to = Run.token("servfail") + "@" + domain;
        String queueId = relay.submit(sender, to, TestMessages.simple(sender, to, Run.token("servfail")));

        // Within the lifetime: waiting for a retry, not dead.
        await("servfail job rescheduled").atMost(OUTCOME).untilAsserted(() -> {
            assertThat(relay.logLinesContaining("rescheduled id=" + queueId + " domain=" + domain, "SERVFAIL")).isNotEmpty();
            assertThat(relay.queueCount(domain, "scheduled")).as("GET /api/queue byDomain.%s.scheduled", domain).isEqualTo(1);
        });
        assertThat(relay.deadLetterFor(to)).isEmpty();

        JsonNode dl = awaitDeadLetter(to);
        assertThat(dl.get("enhancedStatus").asText()).matches("4\\.4\\.\\d+");
        assertThat(dl.get("reason").asText()).contains("gave up after").contains("SERVFAIL");
        assertThat(dl.get("stage").asText()).isEqualTo("dns");
        assertThat(dl.get("attempts").asInt()).isGreaterThan(1);
        assertThat(relay.logLinesContaining("rescheduled id=" + queueId + " domain=" + domain)).hasSizeGreaterThan(1);
        assertThat(relay.queueCount(domain, "scheduled")).isZero();
    }

    private static JsonNode awaitDeadLetter(String recipient) {
        return await("dead letter for " + recipient).atMost(OUTCOME).pollInterval(Duration.ofMillis(500))
                .until(() -> relay.deadLetterFor(recipient), d -> d.isPresent()).orElseThrow();
    }
}
