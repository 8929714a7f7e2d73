package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Postfix Maildir: one file per delivered message in new/ (or cur/). Files keep LF line ends,
 * so they show content, not what was on the wire (the peer's verdict shows that).
 */
final class Maildir {
    private final Path root;

    Maildir(Path root) {
        this.root = root;
    }

    /** The delivered message whose top-level Subject is exactly the one given (DSNs have their own Subject). */
    Optional<byte[]> messageWithSubject(String subject) {
        for (Path f : files()) {
            byte[] bytes = read(f);
            if (RawMessage.headerValue(bytes, "Subject").map(subject::equals).orElse(false)) {
                return Optional.of(bytes);
            }
        }
        return Optional.empty();
    }

    List<Path> files() {
        List<Path> out = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            Path d = root.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(Files::isRegularFile).forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
