package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mailroute.MailRouteConfiguration;
import com.mailroute.settings.Settings;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RelayUnderTest;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The pickup and delivery routes under camel-test-main-junit5, wired by MailRoute's own
 * CamelConfiguration: a file dropped in pickup/ reaches the next hop with the x-sender/x-receiver envelope.
 */
@CamelMainTest(configurationClasses = PickupRouteCamelMainTest.Config.class, properties = {
        "camel.main.routesIncludePattern=file:routes/ingress.camel.yaml,file:routes/delivery.camel.yaml,file:routes/admin.camel.yaml"})
class PickupRouteCamelMainTest {
    static final RecordingSmtpServer SMTP = new RecordingSmtpServer();
    static final Path DATA = tempDir();

    /** MailRoute's configuration with settings for this test. */
    public static class Config extends MailRouteConfiguration {
        public Config() {
            super(Settings.of(Map.of(
                    "mailroute.data.dir", DATA.toString(),
                    "mailroute.http.port", String.valueOf(RelayUnderTest.freePort()),
                    "mailroute.broker.port", String.valueOf(RelayUnderTest.freePort()),
                    "mailroute.console.port", String.valueOf(RelayUnderTest.freePort()),
                    "mailroute.submission.port", String.valueOf(RelayUnderTest.freePort()),
                    "mailroute.helo-name", "relay.test",
                    "mailroute.pickup.poll-ms", "100",
                    "mailroute.transport.example.org", SMTP.hostPort())));
        }
    }

    @org.apache.camel.BeanInject
    CamelContext context;

    @AfterAll
    static void stopServer() {
        SMTP.close();
    }

    @Test
    void pickupFileShouldReachTheNextHopWithItsEnvelope() throws Exception {
        Files.writeString(DATA.resolve("pickup").resolve("seed.eml"),
                "x-sender: app@example.com\nx-receiver: dylan@example.org\nFrom: Shop <shop@example.com>\nSubject: seed\n\nDear Dylan,\nThankyou for ordering ...\n\nKind regards\n",
                StandardCharsets.UTF_8);

        await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.received().size() == 1);
        RecordingSmtpServer.Transaction t = SMTP.received().get(0);
        assertThat(t.from()).isEqualTo("app@example.com");
        assertThat(t.recipients()).containsExactly("dylan@example.org");
        assertThat(t.text()).startsWith("Received: from pickup by relay.test (MailRoute) with pickup\r\n\tid ")
                .endsWith("\r\n\r\nDear Dylan,\r\nThankyou for ordering ...\r\n\r\nKind regards\r\n")
                .doesNotContain("x-sender");
        assertThat(context.getRouteController().getRouteStatus("ingress-pickup").isStarted()).isTrue();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "camel-main-test");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
