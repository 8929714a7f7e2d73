package com.mailroute.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RelayUnderTest;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/** What an operator relies on: metrics, health, the API token, Quartz housekeeping and editable routes. */
class OperationsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    RecordingSmtpServer smtp;
    RelayUnderTest relay;

    @BeforeEach
    void startServer() {
        smtp = new RecordingSmtpServer();
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop();
        }
        smtp.close();
    }

    private RelayUnderTest relay(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of(
                "mailroute.transport.example.org", smtp.hostPort(),
                "mailroute.transport.example.net", smtp.hostPort(),
                "mailroute.transport.relay.test", smtp.hostPort()));
        s.putAll(extra);
        return new RelayUnderTest(data, s).start();
    }

    @Test
    void metricsShouldCountDeliveriesDeadLettersAndSanitizerFixesPerDomain() {
        smtp.rcptPolicy(r -> r.startsWith("gone@") ? new RejectException(550, "5.1.1 gone") : null);
        relay = relay(Map.of());
        post("/api/messages?from=%3C%3E&to=a@example.org&to=b@example.org&to=c@example.net", "Subject: m\n\nbare lf body\n");
        post("/api/messages?from=%3C%3E&to=gone@example.net", "Subject: n\r\n\r\nx\r\n");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String m = relay.get("/observe/metrics").body();
            assertThat(value(m, "mailroute_delivered_total\\{domain=\"example.org\"}")).isEqualTo(2.0);
            assertThat(value(m, "mailroute_delivered_total\\{domain=\"example.net\"}")).isEqualTo(1.0);
            assertThat(value(m, "mailroute_dead_total\\{domain=\"example.net\"}")).isEqualTo(1.0);
            assertThat(value(m, "mailroute_bounced_total\\{domain=\"example.net\"}")).isEqualTo(1.0);
            assertThat(value(m, "mailroute_sanitizer_fixes_total\\{fix=\"bare-lf\"}")).isEqualTo(3.0);
            assertThat(value(m, "mailroute_delivery_latency_seconds_count\\{domain=\"example.org\"}")).isEqualTo(2.0);
            assertThat(value(m, "mailroute_queue_depth\\{queue=\"mailroute.dead\"}")).isEqualTo(1.0);
            // Camel's own route metrics, from the same registry
            assertThat(value(m, "camel_exchanges_total\\{camelContext=\"mailroute\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"ingress-http\"}"))
                    .isEqualTo(2.0);
        });
    }

    @Test
    void healthShouldReportBrokerRoutesAndDns() throws Exception {
        relay = relay(Map.of());
        var r = relay.get("/observe/health");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.get("status").asText()).isEqualTo("UP");
        assertThat(h.get("checks").get("broker").asText()).isEqualTo("UP");
        assertThat(h.get("checks").get("routes").asText()).isEqualTo("UP");
        assertThat(h.get("checks").has("dns")).isTrue();
        // the same checks are Camel health checks, seen by Camel's own health tooling
        for (String id : new String[] {"broker", "routes", "dns", "dkim"}) {
            assertThat(org.apache.camel.health.HealthCheckHelper.getHealthCheck(relay.camel(), id)).as(id).isNotNull();
        }
    }

    @Test
    void apiShouldRequireTheBearerTokenWhenOneIsConfigured() {
        relay = relay(Map.of("mailroute.api.token", "s3cret-token"));
        byte[] msg = "From: a@example.com\r\n\r\nx\r\n".getBytes();

        assertThat(relay.post("/api/messages?to=a@example.org", "message/rfc822", msg).statusCode()).isEqualTo(401);
        assertThat(relay.request("GET", "/api/dead-letters", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
        assertThat(relay.request("GET", "/api/queue", Map.of()).body()).contains("missing bearer token");
        assertThat(relay.request("GET", "/api/dead-letters", Map.of("Authorization", "Bearer s3cret-token")).statusCode()).isEqualTo(200);
        assertThat(relay.get("/observe/health").statusCode()).isEqualTo(200);
        assertThat(smtp.received()).isEmpty();
    }

    @Test
    void quartzJobsShouldRemoveOldDeadLettersAndMailThePostmasterADigest() throws Exception {
        smtp.policy(d -> new String(d, StandardCharsets.ISO_8859_1).contains("Subject: doomed") ? new RejectException(554, "5.7.1 no thanks") : null);
        relay = relay(Map.of("mailroute.housekeeping.digest-cron", "* * * * * ?",
                "mailroute.postmaster", "postmaster@relay.test"));
        post("/api/messages?from=%3C%3E&to=x@example.org", "Subject: doomed\r\n\r\nx\r\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().stream().anyMatch(t -> t.recipients().contains("postmaster@relay.test")));
        String digest = smtp.received().stream().filter(t -> t.recipients().contains("postmaster@relay.test")).findFirst().orElseThrow().text();
        assertThat(digest).contains("1 new dead letter(s)").contains("example.org  554  ").contains("no thanks");
        Thread.sleep(2500);
        assertThat(smtp.received().stream().filter(t -> t.recipients().contains("postmaster@relay.test")).count()).isEqualTo(1);

        relay.stop();
        relay = relay(Map.of("mailroute.housekeeping.retention-cron", "* * * * * ?", "mailroute.dead.retention", "1s"));
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(relay.get("/api/dead-letters").body()).isEmpty());
    }

    @Test
    void anEditedRouteFileShouldTakeEffectWithoutARestartAndABrokenOneShouldNotStopTheRelay() throws Exception {
        Path routes = data.resolve("routes");
        Files.createDirectories(routes);
        for (String f : new String[] {"ingress.camel.yaml", "delivery.camel.yaml", "admin.camel.yaml", "housekeeping.camel.yaml"}) {
            Files.copy(Path.of("routes", f), routes.resolve(f));
        }
        relay = relay(Map.of("mailroute.routes.dir", routes.toString(), "mailroute.routes.reload", "true"));

        // The README's example: keep a copy of every JMS submission before it is accepted (the embedded broker's
        // submissions are accepted by the delivery route).
        String deliveryYaml = Files.readString(routes.resolve("delivery.camel.yaml"));
        String archiving = deliveryYaml.replace(
                "                    - bean: {ref: jmsIngress, method: acceptForAttempt}",
                "                    - to: \"file:{{mailroute.data.dir}}/archive\"\n                    - bean: {ref: jmsIngress, method: acceptForAttempt}");
        assertThat(archiving).isNotEqualTo(deliveryYaml);
        Files.writeString(routes.resolve("delivery.camel.yaml"), archiving);
        Path archive = data.resolve("archive");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            sendJms("From: a@example.com\r\nTo: r@example.org\r\nSubject: reload\r\n\r\nx\r\n");
            return Files.isDirectory(archive) && Files.list(archive).findAny().isPresent();
        });

        // Valid YAML naming a bean that does not exist: the route cannot be rebuilt, and health must say so.
        String yaml = Files.readString(routes.resolve("ingress.camel.yaml"));
        assertThat(yaml).contains("ref: jmsIngress");
        Files.writeString(routes.resolve("ingress.camel.yaml"), yaml.replace("ref: jmsIngress", "ref: jmsIngres"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var health = relay.get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).containsPattern("not running: \\[[^]]*ingress-http");
        });
        var whileDown = relay.post("/api/messages?from=%3C%3E&to=x@example.org", "message/rfc822", "Subject: x\r\n\r\nx\r\n".getBytes());
        assertThat(whileDown.statusCode()).isEqualTo(503);
        assertThat(whileDown.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(whileDown.body()).contains("try again");
        Files.writeString(routes.resolve("ingress.camel.yaml"), yaml);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.get("/observe/health").statusCode() == 200);

        Files.writeString(routes.resolve("delivery.camel.yaml"), "- route:\n    id: delivery\n    from: [this is not valid\n");
        Thread.sleep(3000);
        int before = smtp.received().size();
        post("/api/messages?from=%3C%3E&to=after@example.org", "Subject: after broken yaml\r\n\r\nx\r\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().size() > before);
    }

    @Test
    void embeddedBrokerWithAConfiguredUserShouldRefuseOtherClients() throws Exception {
        relay = relay(Map.of("mailroute.broker.user", "mailroute", "mailroute.broker.password", "broker-secret"));

        try (Connection anonymous = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection()) {
            org.assertj.core.api.Assertions.fail("anonymous client was let in");
        } catch (jakarta.jms.JMSSecurityException expected) {
            assertThat(expected.getMessage()).contains("AMQ229031");
        }
        try (Connection wrong = new ActiveMQConnectionFactory(relay.brokerUrl(), "mailroute", "guess").createConnection()) {
            org.assertj.core.api.Assertions.fail("wrong password was let in");
        } catch (jakarta.jms.JMSSecurityException expected) {
            assertThat(expected.getMessage()).isNotEmpty();
        }
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl(), "mailroute", "broker-secret").createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            s.createProducer(s.createQueue("mailroute.submit"))
                    .send(s.createTextMessage("From: a@example.com\r\nTo: secured@example.org\r\n\r\nx\r\n"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.received().stream().anyMatch(t -> t.recipients().contains("secured@example.org")));
    }

    @Test
    void apiShouldAnswer503WithOneLogLineWhenTheBrokerIsGone() throws Exception {
        relay = relay(Map.of());
        assertThat(JSON.readTree(relay.get("/api/queue").body()).get("submitted").asInt()).isZero();
        relay.camel().getRegistry().lookupByNameAndType("embeddedBroker", com.mailroute.broker.EmbeddedBroker.class).server().stop();

        var r = relay.get("/api/queue");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).get("error").asText()).startsWith("unavailable, try again: ");
        assertThat(relay.get("/observe/health").statusCode()).isEqualTo(503);
    }

    private void sendJms(String message) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(relay.brokerUrl()).createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            s.createProducer(s.createQueue("mailroute.submit")).send(s.createTextMessage(message));
        }
    }

    private void post(String path, String message) {
        var r = relay.post(path, "message/rfc822", message.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.Ee+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
