package com.mailroute.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.mailroute.MailRouteMain;
import com.mailroute.settings.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * MailRoute started in this JVM through its real configuration and routes, on free loopback
 * ports with its own data folder. Restartable on the same data folder to prove persistence.
 */
public final class RelayUnderTest implements AutoCloseable {
    private final Map<String, String> settings;
    private Main main;

    public RelayUnderTest(Path dataDir, Map<String, String> overrides) {
        settings = new HashMap<>();
        settings.put("mailroute.data.dir", dataDir.toString());
        settings.put("mailroute.http.port", String.valueOf(freePort()));
        settings.put("mailroute.broker.port", String.valueOf(freePort()));
        settings.put("mailroute.console.port", String.valueOf(freePort()));
        settings.put("mailroute.submission.port", String.valueOf(freePort()));
        settings.put("mailroute.routes.dir", Path.of("routes").toAbsolutePath().toString());
        settings.put("mailroute.routes.reload", "false");
        settings.put("mailroute.helo-name", "relay.test");
        settings.put("mailroute.pickup.poll-ms", "100");
        settings.put("mailroute.pickup.min-age-ms", "300");
        settings.putAll(overrides);
    }

    public RelayUnderTest start() {
        main = MailRouteMain.create(Settings.of(settings));
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    public void stop() {
        if (main != null) {
            main.stop();
            main = null;
        }
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public String setting(String key) {
        return settings.get(key);
    }

    public Path pickup() {
        return Path.of(settings.get("mailroute.data.dir")).resolve("pickup");
    }

    public Path badmail() {
        return Path.of(settings.get("mailroute.data.dir")).resolve("badmail");
    }

    public String brokerUrl() {
        return "tcp://127.0.0.1:" + settings.get("mailroute.broker.port");
    }

    public HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.get("mailroute.http.port") + pathAndQuery))
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> request(String method, String path, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.get("mailroute.http.port") + path))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            headers.forEach(b::header);
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return request("GET", path, Map.of());
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * A port nothing listens on, below Linux's ephemeral range (32768+) so that the outgoing
     * connections of a busy test run cannot take it between this check and the relay's bind.
     */
    public static int freePort() {
        for (int i = 0; i < 200; i++) {
            int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12000);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }
}
