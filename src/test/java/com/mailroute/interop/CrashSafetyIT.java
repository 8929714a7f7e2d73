package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 while deliveries are in flight loses nothing: every message the relay acknowledged before the kill — with
 * 202 over HTTP, or by the embedded broker taking a persistent JMS send — arrives at the counting smtp-sink after a
 * restart on the same data folder. Messages whose submission the kill interrupted are submitted again, as a client
 * without an acknowledgement would. Duplicates (a delivery whose 250 the relay never recorded) are reported, not failed.
 */
class CrashSafetyIT {
    static final int MESSAGES = 500;
    static final int KILL_AFTER_ARRIVALS = 100;
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay).peerLog(peers.sinkLog("SINK"));

    /** Submits one message; true when the relay acknowledged it, false or an exception when not. */
    interface Submitter {
        boolean submit(String sender, String to, byte[] message) throws Exception;
    }

    @AfterEach
    void stopRelay() {
        if (relay != null) {
            relay.stop();
        }
    }

    @Test
    void everyAcknowledgedMessageShouldArriveAfterKill9AndRestart() throws Exception {
        killMidwayAndCheckEveryAcknowledgedMessageArrives("crash", "crash-safety",
                (sender, to, message) -> relay.post(sender, List.of(to), message).statusCode() == 202);
    }

    @Test
    void everyJmsSubmissionTheEmbeddedBrokerTookShouldArriveAfterKill9AndRestart() throws Exception {
        // A submission the broker took is accepted by the delivery route in its first attempt's transaction: a kill
        // between the two must leave it on the broker, to be accepted and delivered after the restart.
        killMidwayAndCheckEveryAcknowledgedMessageArrives("crashjms", "crash-safety-jms", (sender, to, message) -> {
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(relay.embeddedBrokerUrl());
                 Connection c = cf.createConnection();
                 Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                MessageProducer p = s.createProducer(s.createQueue("mailroute.submit"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);   // send returns once the broker has it on disk
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(message);
                m.setStringProperty("MailFrom", sender);
                m.setStringProperty("RcptTo", to);
                p.send(m);
                return true;
            }
        });
    }

    private void killMidwayAndCheckEveryAcknowledgedMessageArrives(String token, String relayName, Submitter submitter) throws Exception {
        String prefix = Run.token(token);
        String sender = "it@" + peers.get("PEERS_DOMAIN_LENIENT");
        String domain = peers.get("PEERS_SINK_DOMAIN");
        SinkArrivals arrivals = new SinkArrivals(peers.sinkDumps("SINK"), prefix);
        // One delivery consumer against eight submitting clients: delivery lags behind acceptance, so the kill falls while
        // acknowledged messages are still queued (with the default 40 consumers the relay delivers as fast as it accepts).
        relay = new RelayProcess(relayName, peers, Map.of("mailroute.delivery.consumers", "1")).start();

        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int i = 0; i < MESSAGES; i++) {
            int n = i;
            clients.submit(() -> {
                if (killed.get()) {
                    return;
                }
                String to = prefix + "-" + n + "@" + domain;
                try {
                    if (submitter.submit(sender, to, TestMessages.simple(sender, to, prefix + "-" + n))) {
                        acknowledged.add(n);
                    }
                } catch (Exception e) {
                    // the relay died under this submission: not acknowledged, submitted again after the restart
                }
            });
        }

        await("at least " + KILL_AFTER_ARRIVALS + " arrivals at the sink").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> arrivals.distinct().size() >= KILL_AFTER_ARRIVALS);
        relay.killHard();
        killed.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        int arrivedAtKill = arrivals.distinct().size();
        int acknowledgedAtKill = acknowledged.size();
        System.out.printf("crash-safety: killed with SIGKILL after %d of %d acknowledged messages had arrived%n", arrivedAtKill, acknowledgedAtKill);
        assertThat(arrivedAtKill).as("arrivals when the relay was killed (the kill must fall mid-way)").isBetween(1, MESSAGES - 1);
        assertThat(acknowledgedAtKill).as("acknowledged messages when the relay was killed: some must still be undelivered")
                .isGreaterThan(arrivedAtKill);

        relay.restart();
        Set<String> resubmitted = new TreeSet<>();
        for (int n = 0; n < MESSAGES; n++) {
            if (!acknowledged.contains(n)) {
                resubmitted.add(prefix + "-" + n);
                String to = prefix + "-" + n + "@" + domain;
                assertThat(submitter.submit(sender, to, TestMessages.simple(sender, to, prefix + "-" + n))).as("resubmitted " + n).isTrue();
                acknowledged.add(n);
            }
        }

        Set<String> expected = IntStream.range(0, MESSAGES).mapToObj(n -> prefix + "-" + n).collect(Collectors.toCollection(TreeSet::new));
        await("all " + MESSAGES + " messages at the sink").atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .failFast("relay died after the restart", () -> !relay.alive())
                .untilAsserted(() -> assertThat(missing(expected, arrivals)).as("messages not (yet) arrived").isEmpty());

        // A duplicate is either a resubmission whose first try the relay had committed without answering,
        // or a delivery whose 250 the relay received but had not yet recorded when it was killed.
        Set<String> duplicates = arrivals.counts().entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> redelivered = new TreeSet<>(duplicates);
        redelivered.removeAll(resubmitted);
        duplicates.retainAll(resubmitted);
        System.out.printf("crash-safety: all %d arrived; %d resubmitted after the kill; duplicates: %d of resubmitted %s, %d delivered twice by the relay %s%n",
                MESSAGES, resubmitted.size(), duplicates.size(), duplicates, redelivered.size(), redelivered);
        assertThat(relay.deadLetters()).as("dead letters").isEmpty();
    }

    private static Set<String> missing(Set<String> expected, SinkArrivals arrivals) {
        Set<String> m = new TreeSet<>(expected);
        m.removeAll(arrivals.distinct());
        return m;
    }
}
