package com.mailroute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RelayUnderTest;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's route file in the routes folder may use Camel's core components (timer, seda, direct, log,
 * scheduler, stub): the relay ships them. The test class path carries only what the relay ships (see the pom's
 * exclusions), so a missing component fails here as it would in production ("No endpoint could be found for").
 */
class RouteFileComponentsTest {

    @TempDir
    Path data;

    @Test
    void aRouteFileUsingTimerSedaDirectAndLogShouldLoadFromTheRoutesFolderAndSubmitMail() throws Exception {
        Path routes = data.resolve("routes");
        Files.createDirectories(routes);
        for (String f : new String[] {"ingress.camel.yaml", "delivery.camel.yaml", "admin.camel.yaml", "housekeeping.camel.yaml"}) {
            Files.copy(Path.of("routes", f), routes.resolve(f));
        }
        Files.copy(Path.of("src/test/resources/routes-operator/heartbeat.camel.yaml"), routes.resolve("heartbeat.camel.yaml"));

        try (RecordingSmtpServer smtp = new RecordingSmtpServer();
             RelayUnderTest relay = new RelayUnderTest(data.resolve("data"), Map.of("mailroute.routes.dir", routes.toString(),
                     "mailroute.relayhost", smtp.hostPort())).start()) {
            for (String id : new String[] {"heartbeat-timer", "heartbeat-seda", "heartbeat-submit", "heartbeat-scheduler"}) {
                assertThat(relay.camel().getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Started);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !smtp.received().isEmpty());
            RecordingSmtpServer.Transaction t = smtp.received().get(0);
            assertThat(t.recipients()).containsExactly("ops@example.org");
            assertThat(t.text()).contains("Subject: heartbeat").contains("\r\n\r\nalive\r\n");
            assertThat(Files.readString(data.resolve("data/heartbeats/last.eml"))).contains("Subject: heartbeat");
        }
    }
}
