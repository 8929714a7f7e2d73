package com.mailroute.interop;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * MailRoute as its users run it: the packaged target/mailroute.jar in its own JVM, with its own
 * data folder and free loopback ports, DNS from the Knot peer and MX port 25. Output goes to
 * target/interop/NAME/relay.log (appended across restarts). Can be killed with SIGKILL and
 * restarted on the same data folder.
 */
final class RelayProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final String name;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Path workDir;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;
    private String maxHeap = "384m";

    /** A relay named for the test class; overrides replace the interop defaults below. */
    RelayProcess(String name, Peers peers, Map<String, String> overrides) {
        this.name = name;
        workDir = Path.of(System.getProperty("interop.work.dir", "target/interop")).toAbsolutePath().resolve(name);
        log = workDir.resolve("relay.log");
        settings.put("mailroute.data.dir", workDir.resolve("data").toString());
        settings.put("mailroute.http.port", String.valueOf(freePort()));
        settings.put("mailroute.broker.port", String.valueOf(freePort()));
        settings.put("mailroute.console.port", String.valueOf(freePort()));
        settings.put("mailroute.submission.port", String.valueOf(freePort()));
        settings.put("mailroute.dns.servers", peers.get("PEERS_DNS_SERVER"));
        settings.put("mailroute.smtp.port", peers.get("PEERS_SMTP_PORT"));
        settings.put("mailroute.helo-name", "relay.test");
        settings.put("mailroute.retry.schedule", "2s");
        settings.put("mailroute.routes.dir", Path.of(System.getProperty("interop.routes.dir", "routes")).toAbsolutePath().toString());
        settings.put("mailroute.routes.reload", "false");
        settings.put("mailroute.pickup.poll-ms", "100");
        settings.putAll(overrides);
    }

    /** The relay's -Xmx (default 384m), for tests of what fits in a small heap. */
    RelayProcess maxHeap(String xmx) {
        this.maxHeap = xmx;
        return this;
    }

    /** Starts on a fresh data folder and waits until /observe/health answers 200. */
    RelayProcess start() {
        deleteRecursively(workDir);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return restart();
    }

    /** Starts again on the same data folder (after {@link #killHard()} or {@link #stop()}). */
    RelayProcess restart() {
        if (alive()) {
            throw new IllegalStateException("relay " + name + " is still running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx" + maxHeap);
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar().toString());
        try {
            Files.writeString(log, "=== " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        await("relay " + name + " healthy (log " + log + ")").atMost(STARTUP).pollInterval(Duration.ofMillis(300))
                .failFast("relay process exited", () -> {
                    if (!started.isAlive()) {
                        throw new AssertionError("relay " + name + " exited with " + started.exitValue() + ":\n" + logTail(40));
                    }
                })
                .until(this::healthy);
        return this;
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("interop.relay.jar", "target/mailroute.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the interop tests run the packaged relay (mvn -B verify packages it first)");
        }
        return jar;
    }

    private boolean healthy() {
        try {
            return get("/observe/health").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Where outside JMS clients reach the relay's embedded broker (a relay run without mailroute.broker.url). */
    String embeddedBrokerUrl() {
        return "tcp://127.0.0.1:" + settings.get("mailroute.broker.port");
    }

    /** SIGKILL: no shutdown hook, no broker journal flush, nothing. */
    void killHard() {
        process.destroyForcibly();
        waitFor();
        appendToLog("=== killed with SIGKILL by the test\n");
    }

    void stop() {
        if (alive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            waitFor();
        }
    }

    @Override
    public void close() {
        stop();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The SMTP submission listener's port on 127.0.0.1. */
    int submissionPort() {
        return Integer.parseInt(settings.get("mailroute.submission.port"));
    }

    Path pickupDir() {
        return Path.of(settings.get("mailroute.data.dir")).resolve("pickup");
    }

    // ------------------------------------------------------------------ HTTP API

    /** POST /api/messages as message/rfc822 with the envelope in the query; the raw response. */
    HttpResponse<String> post(String from, List<String> to, byte[] message) {
        StringBuilder q = new StringBuilder("/api/messages?from=").append(enc(from));
        to.forEach(t -> q.append("&to=").append(enc(t)));
        HttpRequest req = HttpRequest.newBuilder(uri(q.toString())).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "message/rfc822").POST(HttpRequest.BodyPublishers.ofByteArray(message)).build();
        return send(req);
    }

    /** Submits over HTTP and returns MailRoute's queue id; anything but 202 fails with the answer. */
    String submit(String from, String to, byte[] message) {
        HttpResponse<String> r = post(from, List.of(to), message);
        if (r.statusCode() != 202) {
            throw new AssertionError("POST /api/messages answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body()).get("id").asText();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    JsonNode getJson(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body());
    }

    JsonNode deadLetters() {
        return getJson("/api/dead-letters");
    }

    /** The dead letter whose recipients include this address. */
    Optional<JsonNode> deadLetterFor(String recipient) {
        for (JsonNode dl : deadLetters()) {
            for (JsonNode r : dl.get("recipients")) {
                if (r.asText().equals(recipient)) {
                    return Optional.of(dl);
                }
            }
        }
        return Optional.empty();
    }

    /** GET /api/queue's counters for one domain: queued, scheduled, dead (0 when absent). */
    int queueCount(String domain, String counter) {
        JsonNode d = getJson("/api/queue").path("byDomain").path(domain);
        return d.path(counter).asInt(0);
    }

    private HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + settings.get("mailroute.http.port") + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pretty(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ log

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> logLinesContaining(String... parts) {
        return log().lines().filter(l -> Stream.of(parts).allMatch(l::contains)).toList();
    }

    /**
     * The first log line containing every part, waiting for it: the relay logs a peer's reply after
     * reading it, so it can come a moment after the peer's own log shows the result.
     */
    String awaitLogLine(String... parts) {
        return await("relay log line with " + String.join(" ... ", parts)).atMost(Duration.ofSeconds(30))
                .until(() -> logLinesContaining(parts), l -> !l.isEmpty()).get(0);
    }

    String logTail(int n) {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    Path logFile() {
        return log;
    }

    private void appendToLog(String s) {
        try {
            Files.writeString(log, s, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
