package com.mailroute.admin;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Headless Chromium (Debian package "chromium") driven over the Chrome DevTools Protocol with the
 * JDK's WebSocket client: one page (tab) to navigate, type into, read and photograph.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final String sessionId;

    private HeadlessChromium(Process process, URI browserEndpoint) throws Exception {
        this.process = process;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(browserEndpoint, new Replies()).get(30, TimeUnit.SECONDS);
        String targetId = command(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        this.sessionId = command(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true)).get("sessionId").asText();
        command(sessionId, "Emulation.setDeviceMetricsOverride", Map.of("width", 1400, "height", 900, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Starts Chromium with its profile in {@code profile}; fails with the install hint when it is missing. */
    static HeadlessChromium start(Path profile) throws Exception {
        Path executable = findExecutable();
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank"));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        // Chromium writes its chosen port and the browser endpoint's path here once it listens.
        Path activePort = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.isRegularFile(activePort) && Files.readAllLines(activePort).size() >= 2)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("Chromium did not start; its output: " + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(100);
        }
        List<String> lines = Files.readAllLines(activePort);
        try {
            return new HeadlessChromium(process, URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Path findExecutable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("this test needs headless Chromium on the PATH: install the Debian package with `apt-get install -y chromium`");
    }

    void navigate(String url) throws Exception {
        command(sessionId, "Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression evaluated in the page (promises are awaited). */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = command(sessionId, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Waits until a JavaScript expression is true in the page; false when the time runs out. */
    boolean waitFor(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (evaluate("Boolean(" + condition + ")").asBoolean()) {
                    return true;
                }
            } catch (IllegalStateException e) {
                // the page is between documents: ask again
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Focuses the element and types the text as keyboard input, so the page's own handlers see it. */
    void type(String cssSelector, String text) throws Exception {
        evaluate("document.querySelector(" + JSON.writeValueAsString(cssSelector) + ").focus()");
        command(sessionId, "Input.insertText", Map.of("text", text));
    }

    void click(String cssSelector) throws Exception {
        evaluate("document.querySelector(" + JSON.writeValueAsString(cssSelector) + ").click()");
    }

    String text() throws Exception {
        return evaluate("document.body ? document.body.innerText : ''").asText();
    }

    String url() throws Exception {
        return evaluate("location.href").asText();
    }

    void screenshot(Path file) throws Exception {
        JsonNode shot = command(sessionId, "Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    private JsonNode command(String session, String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        if (session != null) {
            msg.put("sessionId", session);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(JSON.writeValueAsString(msg), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode r = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r.path("result");
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Chromium is ended below either way
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Collects each (possibly fragmented) message and completes the command it answers; events are ignored. */
    private final class Replies implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode msg = JSON.readTree(text);
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> reply = pending.remove(msg.get("id").asInt());
                        if (reply != null) {
                            reply.complete(msg);
                        }
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
