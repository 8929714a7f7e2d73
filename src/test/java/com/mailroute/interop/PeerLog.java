package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A peer's own log file (Postfix maillog, smtp-sink output), read as the peer wrote it. */
final class PeerLog {
    // Postfix: "... postfix/virtual[123]: 9B818516131: to=<a@b>, relay=virtual, ..., status=sent (delivered to maildir)"
    private static final Pattern QUEUE_ID = Pattern.compile("postfix/\\w+\\[\\d+]: ([0-9A-F]+): ");

    private final String name;
    private final Path file;

    PeerLog(String name, Path file) {
        this.name = name;
        this.file = file;
    }

    List<String> lines() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            // Postfix logs raw bytes of what clients sent; ISO-8859-1 reads any byte.
            return List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> linesContaining(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    /** Postfix's delivery line for a recipient: "to=<rcpt>, relay=virtual, ... status=sent (delivered to maildir)". */
    Optional<String> deliveredTo(String recipient) {
        return lines().stream().filter(l -> l.contains(" to=<" + recipient + ">,") && l.contains("status=sent")).findFirst();
    }

    /** Every line of the Postfix transactions that mention the recipient (client, message-id, from, to, reject). */
    List<String> transactionOf(String recipient) {
        List<String> all = lines();
        List<String> ids = all.stream().filter(l -> l.contains("<" + recipient + ">")).map(PeerLog::queueId)
                .flatMap(Optional::stream).distinct().toList();
        return all.stream().filter(l -> l.contains("<" + recipient + ">") || ids.stream().anyMatch(id -> l.contains(": " + id + ": "))).toList();
    }

    static Optional<String> queueId(String line) {
        Matcher m = QUEUE_ID.matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    String tail(int n) {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    @Override
    public String toString() {
        return name + " (" + file + ")";
    }
}
