package com.mailroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * dkimpy (Debian python3-dkim), run as /usr/bin/python3 on src/test/resources/dkim/verify_dkim.py: a DKIM verifier
 * written independently of MailRoute. Public keys come from given TXT records or from a DNS server.
 */
public final class DkimVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON = "/usr/bin/python3";

    /** One DKIM-Signature field of a message and dkimpy's verdict on it ({@code log}: dkimpy's reasons). */
    public record Result(String d, String s, String a, String h, boolean pass, String log) {
    }

    private final List<String> keyArgs;

    private DkimVerifier(List<String> keyArgs) {
        this.keyArgs = keyArgs;
    }

    /** Keys from these records: DNS name (selector._domainkey.domain) → TXT text. */
    public static DkimVerifier withRecords(Map<String, String> txt) {
        List<String> args = new ArrayList<>();
        txt.forEach((name, record) -> {
            args.add("--txt");
            args.add(name + "=" + record);
        });
        return new DkimVerifier(args);
    }

    /** Keys looked up at this DNS server ("127.0.0.1:5353"). */
    public static DkimVerifier withDns(String hostPort) {
        return new DkimVerifier(List.of("--dns", hostPort));
    }

    /** Every signature of the message, top first. */
    public List<Result> verify(byte[] message) {
        return verifyAll(List.of(message)).get(0);
    }

    /** The signatures of each message, in one run of dkimpy. */
    public List<List<Result>> verifyAll(List<byte[]> messages) {
        try {
            Path dir = Files.createTempDirectory("dkim-verify");
            try {
                List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString()));
                cmd.addAll(keyArgs);
                for (int i = 0; i < messages.size(); i++) {
                    Path f = dir.resolve("m" + i + ".eml");
                    Files.write(f, messages.get(i));
                    cmd.add(f.toString());
                }
                Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
                byte[] out = p.getInputStream().readAllBytes();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new AssertionError("dkimpy did not run (" + String.join(" ", cmd) + "): " + err
                            + (err.contains("No module named 'dkim'") ? "\ninstall Debian's python3-dkim (scripts/peers.sh and .ci/run do)" : ""));
                }
                List<List<Result>> results = new ArrayList<>();
                for (String line : new String(out, StandardCharsets.UTF_8).strip().split("\n")) {
                    List<Result> one = new ArrayList<>();
                    for (JsonNode r : JSON.readTree(line)) {
                        one.add(new Result(r.get("d").asText(), r.get("s").asText(), r.get("a").asText(), r.get("h").asText(),
                                r.get("pass").asBoolean(), r.get("log").asText()));
                    }
                    results.add(one);
                }
                if (results.size() != messages.size()) {
                    throw new AssertionError("dkimpy answered for " + results.size() + " of " + messages.size() + " messages: " + err);
                }
                return results;
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path script() {
        try {
            return Path.of(DkimVerifier.class.getResource("/dkim/verify_dkim.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Maildir file (LF line ends) back in wire form: every line ending in CRLF. */
    public static byte[] crlf(byte[] lfMessage) {
        return new String(lfMessage, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
