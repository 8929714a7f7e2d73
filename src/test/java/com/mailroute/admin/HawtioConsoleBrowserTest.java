package com.mailroute.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import com.mailroute.testsupport.RelayUnderTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's view: log in to Hawtio in headless Chromium through its login form, find MailRoute's
 * routes with their statistics on the Camel page and the Artemis queues in the JMX tree, and keep
 * screenshots of both under target/.
 */
class HawtioConsoleBrowserTest {
    private static final Path ROUTES_SCREENSHOT = Path.of("target", "hawtio-camel-routes.png");
    private static final Path QUEUES_SCREENSHOT = Path.of("target", "hawtio-jmx-artemis-queues.png");
    /** A node of Hawtio's tree (PatternFly tree view) by its label. */
    private static final String TREE_NODE = "[...document.querySelectorAll('.pf-v5-c-tree-view__node-text, .pf-v6-c-tree-view__node-text')].find(e => e.innerText.trim() === '%s')";
    /** A button by its label. */
    private static final String BUTTON = "[...document.querySelectorAll('button')].find(e => e.innerText.trim() === '%s')";

    @BeforeEach
    void removeOldScreenshots() throws Exception {
        Files.deleteIfExists(ROUTES_SCREENSHOT);
        Files.deleteIfExists(QUEUES_SCREENSHOT);
    }

    @Test
    void loggedInUserShouldSeeMailRouteRoutesOnTheCamelPage(@TempDir Path data, @TempDir Path profile) throws Exception {
        try (RelayUnderTest relay = new RelayUnderTest(data, Map.of()).start();
             HeadlessChromium chromium = HeadlessChromium.start(profile)) {
            String hawtio = "http://127.0.0.1:" + relay.setting("mailroute.console.port") + "/hawtio";

            chromium.navigate(hawtio + "/");
            assertThat(chromium.waitFor("document.querySelector('#pf-login-username-id')", Duration.ofSeconds(60)))
                    .as("login form at %s; page says: %s", chromium.url(), chromium.text()).isTrue();
            chromium.type("#pf-login-username-id", "admin");
            chromium.type("#pf-login-password-id", "mailroute");
            chromium.click("button[type=submit]");
            assertThat(chromium.waitFor("!location.pathname.endsWith('/login')", Duration.ofSeconds(30)))
                    .as("left the login page; page says: %s", chromium.text()).isTrue();

            chromium.navigate(hawtio + "/camel");
            assertThat(chromium.waitFor(TREE_NODE.formatted("routes"), Duration.ofSeconds(60)))
                    .as("Camel tree; page says: %s", chromium.text()).isTrue();
            chromium.evaluate(TREE_NODE.formatted("routes") + ".click()");
            chromium.waitFor("document.querySelector('table') && document.querySelector('table').innerText.includes('ingress-pickup')",
                    Duration.ofSeconds(30));
            chromium.screenshot(ROUTES_SCREENSHOT);
            String routesTable = chromium.evaluate("document.querySelector('table') ? document.querySelector('table').innerText : ''").asText();
            assertThat(routesTable).as("routes table at %s", chromium.url())
                    .contains("ingress-pickup", "ingress-jms", "ingress-http", "delivery", "Started", "Completed", "Failed", "InFlight");
            assertNonTrivialScreenshot(ROUTES_SCREENSHOT);

            chromium.navigate(hawtio + "/jmx");
            assertThat(chromium.waitFor(BUTTON.formatted("Expand all"), Duration.ofSeconds(60)))
                    .as("JMX tree; page says: %s", chromium.text()).isTrue();
            chromium.evaluate(BUTTON.formatted("Expand all") + ".click()");
            chromium.waitFor("document.body.innerText.includes('mailroute.outbound')", Duration.ofSeconds(30));
            chromium.evaluate(TREE_NODE.formatted("org.apache.activemq.artemis") + ".scrollIntoView({block: 'start'})");
            chromium.screenshot(QUEUES_SCREENSHOT);
            assertThat(chromium.text()).contains("org.apache.activemq.artemis", "mailroute.outbound", "mailroute.dead");
            assertNonTrivialScreenshot(QUEUES_SCREENSHOT);
        }
    }

    /** A real picture: a PNG of the page's size with more than a handful of colours (not a blank page). */
    private static void assertNonTrivialScreenshot(Path png) throws Exception {
        assertThat(png).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("%s is a PNG", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(image.getHeight()).isEqualTo(900);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours).as("colours in %s", png).hasSizeGreaterThan(20);
    }
}
