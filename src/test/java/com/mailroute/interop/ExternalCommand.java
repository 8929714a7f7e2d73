package com.mailroute.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real client program run by an interop test (swaks, smtp-source, Python, Postfix's sendmail): exit code and output. */
record ExternalCommand(List<String> command, int exitCode, String output) {

    static ExternalCommand run(List<String> command, byte[] stdin, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            // read while it runs: a full pipe would block the program
            var out = new java.io.ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "; output:\n" + out);
            }
            reader.join(5000);
            return new ExternalCommand(command, p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (is it installed? scripts/peers.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ExternalCommand run(String... command) {
        return run(List.of(command), null, Duration.ofSeconds(120));
    }

    ExternalCommand succeeded() {
        if (exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
        }
        return this;
    }
}
