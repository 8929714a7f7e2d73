package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real peers started by scripts/peers.sh, read from its peers.env: one KEY=VALUE per line, the
 * value being everything after the first '=' (never quoted, may contain spaces), '#' lines are comments.
 */
final class Peers {
    private final Map<String, String> values;

    private Peers(Map<String, String> values) {
        this.values = values;
    }

    /** $PEERS_DIR/peers.env when PEERS_DIR is set, else the file named by -Dinterop.peers.env (set by the pom). */
    static Peers load() {
        String dir = System.getenv("PEERS_DIR");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "peers.env")
                : Path.of(System.getProperty("interop.peers.env", "target/peers/peers.env"));
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing: the interop tests need the real peers; "
                    + "start them as root with scripts/peers.sh start (scripts/test.sh does it)");
        }
        return parse(file);
    }

    static Peers parse(Path file) {
        Map<String, String> v = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq <= 0) {
                    continue;
                }
                v.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Peers(v);
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("peers.env has no " + key + " (is it from an older scripts/peers.sh?)");
        }
        return v;
    }

    Path path(String key) {
        return Path.of(get(key));
    }

    Maildir strictMaildir() {
        return new Maildir(path("PEERS_STRICT_MAILDIR"));
    }

    Maildir lenientMaildir() {
        return new Maildir(path("PEERS_LENIENT_MAILDIR"));
    }

    PeerLog strictMaillog() {
        return new PeerLog("strict Postfix maillog", path("PEERS_STRICT_MAILLOG"));
    }

    PeerLog lenientMaillog() {
        return new PeerLog("lenient Postfix maillog", path("PEERS_LENIENT_MAILLOG"));
    }

    PeerLog sinkLog(String name) {
        return new PeerLog("smtp-sink " + name.toLowerCase() + " log", path("PEERS_" + name + "_LOG"));
    }

    SinkDumps sinkDumps(String name) {
        return new SinkDumps(path("PEERS_" + name + "_DUMP_DIR"));
    }
}
