package com.mailroute.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;

/**
 * Spools for tests: one that keeps every test message in the heap, one whose 64-byte heap limit sends every message
 * to a file, and a wrapper that proves a path streams a spooled message (it fails on {@link MessageBytes#toByteArray()}).
 */
public final class Spools {
    private Spools() {
    }

    /** A spool with MailRoute's default mailroute.message.spool-threshold (512 KB). */
    public static Spool standard() {
        return withHeapLimit(512 * 1024);
    }

    public static Spool withHeapLimit(int heapLimit) {
        return new Spool(tempDir("spool"), heapLimit);
    }

    /** A spool that keeps messages up to 64 MB in the heap. */
    public static Spool heap() {
        return new Spool(tempDir("heap-spool"), 64 << 20);
    }

    /** A spool that keeps at most 64 bytes in the heap: anything larger is a file. */
    public static Spool tiny() {
        return new Spool(tempDir("tiny-spool"), 64);
    }

    /** The bytes in a spool file of {@code spool}, wrapped so that reading them whole into an array fails the test. */
    public static MessageBytes spooled(Spool spool, byte[] bytes) {
        try {
            MessageBytes spooled = spool.read(new ByteArrayInputStream(bytes), Long.MAX_VALUE);
            return spooled.inHeap() ? spooled : new StreamedOnly(spooled);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spool files now in the spool's directory (a test checks that scratch copies were deleted). */
    public static long files(Spool spool) {
        try (Stream<Path> files = Files.list(spool.dir())) {
            return files.filter(f -> f.toString().endsWith(".spool")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spooled bytes that may only be streamed: {@link #toByteArray()} fails, as holding the message whole would. */
    public record StreamedOnly(MessageBytes spooled) implements MessageBytes {
        @Override
        public long size() {
            return spooled.size();
        }

        @Override
        public InputStream open() {
            return spooled.open();
        }

        @Override
        public boolean inHeap() {
            return false;
        }

        @Override
        public byte[] toByteArray() {
            throw new AssertionError("a spooled message of " + spooled.size() + " bytes was read whole into the heap");
        }

        @Override
        public MessageBytes after(long n) {
            return new StreamedOnly(spooled.after(n));
        }

        @Override
        public void release() {
            spooled.release();
        }
    }
}
