package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The divert the README offers for an external broker: on the standalone Artemis peer, mailroute.submit is diverted to
 * mailroute.outbound, and a JMS submission is journalled there once and accepted by the relay's delivery route in the
 * transaction of its first attempt, as with the embedded broker. The divert exists only while this class runs (created
 * and destroyed through the broker's management address), so the other interop tests keep the two-pass ingress-jms path.
 */
class ExternalBrokerDivertIT {
    static final String DIVERT = "mailroute.submissions-to-delivery";
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay).peerLog(peers.lenientMaillog());

    @BeforeAll
    static void divertSubmissionsAndStartRelay() throws Exception {
        // The same divert as the README's broker.xml snippet: exclusive, so nothing is left on mailroute.submit.
        // A run that was killed before its @AfterAll left it on the peer (the broker keeps it in its bindings journal).
        Object[] diverts = (Object[]) request(m -> ManagementHelper.putAttribute(m, ResourceNames.BROKER, "divertNames"));
        if (java.util.Arrays.asList(diverts).contains(DIVERT)) {
            manage("destroyDivert", DIVERT);
        }
        manage("createDivert", DIVERT, DIVERT, "mailroute.submit", "mailroute.outbound", true, null, null, "ANYCAST");
        relay = new RelayProcess("external-divert", peers, Map.of(
                "mailroute.broker.url", peers.get("PEERS_ARTEMIS_URL"),
                "mailroute.broker.user", peers.get("PEERS_ARTEMIS_USER"),
                "mailroute.broker.password", peers.get("PEERS_ARTEMIS_PASSWORD"))).start();
    }

    @AfterAll
    static void stopRelayAndRemoveDivert() throws Exception {
        if (relay != null) {
            relay.stop();
        }
        manage("destroyDivert", DIVERT);
    }

    @Test
    void submissionThroughTheDivertShouldBeAcceptedByTheDeliveryRouteAndDelivered() throws Exception {
        String token = Run.token("external-divert");
        String from = "app@" + peers.get("PEERS_DOMAIN_LENIENT");
        String to = token + "@" + peers.get("PEERS_DOMAIN_LENIENT");
        long submitAddedBefore = queueAttribute("mailroute.submit", "messagesAdded");

        WayIn.JMS.submit(relay, peers, from, to, TestMessages.simple(from, to, token));

        String delivered = await("lenient Postfix delivery line for " + to).atMost(Duration.ofSeconds(60))
                .until(() -> peers.lenientMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        byte[] stored = peers.lenientMaildir().messageWithSubject(token).orElseThrow();
        assertThat(RawMessage.unfoldedHeaders(stored)).contains("Received: from jms by relay.test (MailRoute) with jms id ");
        assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII)).isEqualTo("token " + token + "\nend of " + token + "\n");
        // One pass: the broker never put the submission on mailroute.submit, and the relay's ingress-jms route took
        // nothing; the delivery route accepted it (queued via=jms) and delivered it in that same attempt.
        assertThat(queueAttribute("mailroute.submit", "messagesAdded")).isEqualTo(submitAddedBefore);
        String metrics = relay.get("/observe/metrics").body();
        assertThat(routeExchanges(metrics, "ingress-jms")).isZero();
        assertThat(routeExchanges(metrics, "delivery")).isPositive();
        assertThat(relay.logLinesContaining("via=jms", "from=<" + from + ">")).hasSize(1);
    }

    private static long routeExchanges(String metrics, String routeId) {
        Matcher m = Pattern.compile("^camel_exchanges_total\\{[^}]*routeId=\"" + Pattern.quote(routeId) + "\"[^}]*} ([0-9.E]+)$",
                Pattern.MULTILINE).matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static long queueAttribute(String queue, String attribute) throws Exception {
        return ((Number) request(m -> ManagementHelper.putAttribute(m, ResourceNames.QUEUE + queue, attribute))).longValue();
    }

    private static void manage(String operation, Object... args) throws Exception {
        request(m -> ManagementHelper.putOperationInvocation(m, ResourceNames.BROKER, operation, args));
    }

    interface Request {
        void fill(ClientMessage message) throws Exception;
    }

    /** One request to the peer's management address (its user is the broker's admin); fails with the broker's answer. */
    private static Object request(Request request) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(peers.get("PEERS_ARTEMIS_URL"));
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(peers.get("PEERS_ARTEMIS_USER"), peers.get("PEERS_ARTEMIS_PASSWORD"),
                     false, true, true, false, 1);
             ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
            session.start();
            ClientMessage message = session.createMessage(false);
            request.fill(message);
            ClientMessage reply = requestor.request(message, 10_000);
            assertThat(reply).as("management reply from %s", peers.get("PEERS_ARTEMIS_URL")).isNotNull();
            Object result = ManagementHelper.getResult(reply);
            assertThat(ManagementHelper.hasOperationSucceeded(reply)).as("management request refused: %s", result).isTrue();
            return result;
        }
    }
}
