package com.mailroute.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.mailroute.settings.Settings;
import com.mailroute.testsupport.RelayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console over plain HTTP: served at /hawtio, Jolokia only after Hawtio's login, unsafe setups refused. */
class HawtioConsoleHttpTest {
    @TempDir
    static Path data;
    static RelayUnderTest relay;

    @BeforeAll
    static void startRelay() {
        relay = new RelayUnderTest(data, Map.of()).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.close();
    }

    @Test
    void hawtioShouldAnswerAtSlashHawtioWithItsLoginPage() throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = send(browser, HttpRequest.newBuilder(console("/hawtio/")).GET());

        assertThat(page.statusCode()).isEqualTo(200);
        // Not logged in yet: Hawtio sends the browser to its login page.
        assertThat(page.uri().getPath()).isEqualTo("/hawtio/login");
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Hawtio</title>", "<div id=\"root\">");
    }

    @Test
    void jolokiaWithoutLoginShouldBeRefused() throws Exception {
        HttpResponse<String> r = jolokia(HttpClient.newHttpClient(), "{\"type\":\"version\"}");

        assertThat(r.statusCode()).isIn(401, 403);
        assertThat(r.body()).doesNotContain("\"agent\"");
    }

    @Test
    void loginWithWrongPasswordShouldBeRefused() throws Exception {
        HttpClient browser = withCookies();
        // Another user name than the real one: Hawtio throttles repeated failures per user name.
        HttpResponse<String> login = login(browser, "intruder", "guess");

        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(jolokia(browser, "{\"type\":\"version\"}").statusCode()).isIn(401, 403);
    }

    @Test
    void jolokiaAfterLoginShouldListTheCamelRoutesAndArtemisQueues() throws Exception {
        HttpClient browser = withCookies();
        HttpResponse<String> login = login(browser, "admin", "mailroute");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("\"name\":\"admin\"");

        HttpResponse<String> routes = jolokia(browser, "{\"type\":\"search\",\"mbean\":\"org.apache.camel:context=mailroute,type=routes,*\"}");
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("\"status\":200", "ingress-pickup", "ingress-jms", "ingress-http", "delivery");

        // Quoted MBean names: Jetty 12 refuses '"' in a URL path, so Jolokia is asked by POST.
        HttpResponse<String> queues = jolokia(browser,
                "{\"type\":\"search\",\"mbean\":\"org.apache.activemq.artemis:broker=\\\"mailroute\\\",component=addresses,subcomponent=queues,*\"}");
        assertThat(queues.statusCode()).isEqualTo(200);
        assertThat(queues.body()).contains("\"status\":200", "queue=\\\"mailroute.outbound\\\"", "queue=\\\"mailroute.dead\\\"");
    }

    @Test
    void startupShouldBeRefusedOnANonLoopbackAddressWithTheDefaultPassword() {
        Settings exposed = Settings.of(Map.of("mailroute.console.host", "0.0.0.0"));

        assertThatThrownBy(() -> HawtioConsole.fromSettings(exposed))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessageStartingWith("invalid setting mailroute.console.password=")
                .hasMessageContaining("0.0.0.0")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void relayShouldNotStartWhenTheConsoleIsExposedWithTheDefaultPassword(@TempDir Path otherData) {
        RelayUnderTest exposed = new RelayUnderTest(otherData, Map.of("mailroute.console.host", "0.0.0.0"));
        try {
            assertThatThrownBy(exposed::start).rootCause()
                    .isInstanceOf(Settings.SettingsException.class)
                    .hasMessageContaining("mailroute.console.password");
            // Refused before anything listened: neither the console nor the HTTP ingress answers.
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exposed.setting("mailroute.http.port") + "/")).build(),
                    HttpResponse.BodyHandlers.discarding())).isInstanceOf(IOException.class);
        } finally {
            exposed.close();
        }
    }

    static URI console(String path) {
        return URI.create("http://127.0.0.1:" + relay.setting("mailroute.console.port") + path);
    }

    static HttpClient withCookies() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    static HttpResponse<String> login(HttpClient client, String user, String password) throws Exception {
        String json = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
        return send(client, HttpRequest.newBuilder(console("/hawtio/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> jolokia(HttpClient client, String json) throws Exception {
        return send(client, HttpRequest.newBuilder(console("/hawtio/jolokia/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
