package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an smtp-sink peer received: one dump file per message whose data arrived (dump/msg.&lt;hex&gt;),
 * starting with X-Mail-Args / X-Rcpt-Args lines (the envelope as sent), then the message with LF ends.
 * The file is written as the data arrives, so a message cut off mid-data leaves a partial file.
 */
final class SinkDumps {
    private final Path dir;

    SinkDumps(Path dir) {
        this.dir = dir;
    }

    /** One received message: its file, the MAIL FROM and RCPT TO arguments exactly as sent, and the bytes. */
    record Dump(Path file, String mailArgs, List<String> rcptArgs, byte[] bytes) {
        Optional<String> subject() {
            return RawMessage.headerValue(bytes, "Subject");
        }
    }

    List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("msg.")).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dump of one file, or empty when it disappeared. */
    static Optional<Dump> read(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> rcpts = new ArrayList<>();
        String mail = "";
        for (String line : RawMessage.headers(b).split("\n")) {
            if (line.startsWith("X-Mail-Args: ")) {
                mail = line.substring("X-Mail-Args: ".length()).strip();
            } else if (line.startsWith("X-Rcpt-Args: ")) {
                rcpts.add(line.substring("X-Rcpt-Args: ".length()).strip());
            }
        }
        return Optional.of(new Dump(file, mail, rcpts, b));
    }

    List<Dump> withSubject(String subject) {
        return files().stream().map(SinkDumps::read).flatMap(Optional::stream)
                .filter(d -> d.subject().map(subject::equals).orElse(false)).toList();
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
