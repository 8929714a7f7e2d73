package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 250 after DATA is a promise: 500 messages sent with Python's smtplib over four connections all get their
 * 250, the relay is killed with SIGKILL right after the last one, and after a restart on the same data folder
 * every one of the 500 arrives at the counting smtp-sink.
 */
class SubmissionCrashSafetyIT {
    static final int MESSAGES = 500;
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay).peerLog(peers.sinkLog("SINK"));

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.stop();
        }
    }

    @Test
    void everyMessageAnswered250ShouldArriveAfterKill9AndRestart() {
        String prefix = Run.token("smtp-crash");
        String domain = peers.get("PEERS_SINK_DOMAIN");
        SinkArrivals arrivals = new SinkArrivals(peers.sinkDumps("SINK"), prefix);
        // one delivery consumer, so that much is still queued when the last 250 is given
        relay = new RelayProcess("submission-crash-safety", peers, Map.of("mailroute.delivery.consumers", "1")).start();

        List<String> replies = ExternalCommand.run(List.of("python3", Path.of("src/test/resources/interop/smtp_send.py").toAbsolutePath().toString(),
                        "--port", String.valueOf(relay.submissionPort()), "--sender", "it@" + peers.get("PEERS_DOMAIN_LENIENT"),
                        "--domain", domain, "--prefix", prefix, "--count", String.valueOf(MESSAGES), "--connections", "4"), null, Duration.ofSeconds(300))
                .succeeded().output().lines().toList();
        relay.killHard();

        assertThat(replies).hasSize(MESSAGES).allMatch(r -> r.matches("\\d+ 250 2\\.0\\.0 Ok: queued as [0-9A-F]+"), "answered 250 with a queue id");
        int arrivedAtKill = arrivals.distinct().size();
        System.out.printf("submission crash-safety: SIGKILL right after the %dth 250; %d had arrived at the sink%n", MESSAGES, arrivedAtKill);
        assertThat(arrivedAtKill).as("arrivals when the relay was killed: some must still be queued").isLessThan(MESSAGES);

        relay.restart();
        Set<String> expected = IntStream.range(0, MESSAGES).mapToObj(n -> prefix + "-" + n).collect(Collectors.toCollection(TreeSet::new));
        await("all " + MESSAGES + " messages at the sink").atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .failFast("relay died after the restart", () -> !relay.alive())
                .untilAsserted(() -> {
                    Set<String> missing = new TreeSet<>(expected);
                    missing.removeAll(arrivals.distinct());
                    assertThat(missing).as("messages not (yet) arrived").isEmpty();
                });
        long duplicates = arrivals.counts().values().stream().filter(c -> c > 1).count();
        System.out.printf("submission crash-safety: all %d arrived after the restart; %d delivered twice (at least once delivery)%n",
                MESSAGES, duplicates);
        assertThat(relay.deadLetters()).as("dead letters").isEmpty();
    }
}
