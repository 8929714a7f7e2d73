package com.mailroute.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where messages too large for the heap wait while MailRoute works on them: up to {@link #heapLimit()} bytes a
 * message stays in the heap, past it the bytes go to a file in the spool directory. Spool files are scratch
 * space, never the only copy of accepted mail (that is on the broker), so leftovers of a crash are deleted at start.
 */
public final class Spool {
    private final Path dir;
    private final int heapLimit;

    public Spool(Path dir, int heapLimit) {
        this.dir = dir;
        this.heapLimit = heapLimit;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public int heapLimit() {
        return heapLimit;
    }

    public Path dir() {
        return dir;
    }

    /** The stream's bytes, read to its end (the stream is closed). */
    public MessageBytes read(InputStream in, long maxSize) throws TooLargeException {
        try (in) {
            // what a buffered stream (Camel's stream cache, a JMS body) says it holds sizes the heap copy: no regrowing
            return write(in::transferTo, maxSize, in.available());
        } catch (TooLargeException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool the message: " + e.getMessage(), e);
        }
    }

    /** Writes something out of MailRoute's own making (a converted or repaired copy) to the heap or a spool file. */
    public MessageBytes write(Writer writer) throws IOException {
        return write(writer, Long.MAX_VALUE);
    }

    /**
     * Collects what {@code writer} writes: in the heap up to the limit, then in a spool file (the caller's to release).
     * If the writer fails, the spool file is deleted.
     */
    public MessageBytes write(Writer writer, long maxSize) throws IOException {
        return write(writer, maxSize, 0);
    }

    private MessageBytes write(Writer writer, long maxSize, int expectedSize) throws IOException {
        Sink sink = new Sink(maxSize, false, expectedSize);
        boolean done = false;
        try {
            // Libraries close what they are given (Artemis closes a SaveStream target): that must not discard it.
            writer.writeTo(new java.io.FilterOutputStream(sink) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            });
            MessageBytes bytes = sink.finish();
            done = true;
            return bytes;
        } finally {
            if (!done) {
                sink.discard();
            }
        }
    }

    /** An output stream that keeps what is written in the heap up to the limit, then in a spool file. */
    public Sink sink() {
        return new Sink(Long.MAX_VALUE);
    }

    /** Writes a message into the stream it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * The bytes as a file a parser can map (Angus Mail's SharedFileInputStream): the same file when they already
     * are one, else a new spool file (owned: release it).
     */
    public FileBytes toFile(MessageBytes bytes) {
        if (bytes instanceof FileBytes f) {
            return f;
        }
        Sink sink = new Sink(Long.MAX_VALUE, true, 0);
        try {
            bytes.writeTo(sink);
            return (FileBytes) sink.finish();
        } catch (IOException | RuntimeException e) {
            sink.discard();
            throw e instanceof IOException io ? new UncheckedIOException("cannot spool the message: " + e.getMessage(), io) : (RuntimeException) e;
        }
    }

    /**
     * Deletes spool files left by a process that died while working on them, and the files in the spool directory's
     * subdirectories (Camel's stream cache keeps its scratch files in {@code camel/}).
     */
    public int clearLeftovers() {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isDirectory(f)) {
                    n += clearFiles(f);
                } else if (f.getFileName().toString().endsWith(".spool")) {
                    Files.deleteIfExists(f);
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the spool directory " + dir + ": " + e.getMessage(), e);
        }
        return n;
    }

    private static int clearFiles(Path subdirectory) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(subdirectory)) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            return files.size();
        }
    }

    /** More bytes than allowed were written; the caller refuses the message with {@link #limit()}. */
    public static final class TooLargeException extends IOException {
        private final long limit;

        TooLargeException(long limit) {
            super("larger than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /**
     * Collects a message; {@link #finish()} hands it over (a spool file is then the caller's to release). Closed
     * without being finished (a writer failed), it deletes its spool file.
     */
    /** A byte array stream whose bytes are handed over without a copy when it was sized right. */
    private static final class HeapBuffer extends ByteArrayOutputStream {
        HeapBuffer(int capacity) {
            super(capacity);
        }

        byte[] bytes() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }

    public final class Sink extends OutputStream {
        private final long maxSize;
        private HeapBuffer heap;
        private Path file;
        private OutputStream fileOut;
        private long size;
        private boolean finished;

        private Sink(long maxSize) {
            this(maxSize, false, 0);
        }

        private Sink(long maxSize, boolean toFile, int expectedSize) {
            this.maxSize = maxSize;
            if (toFile || expectedSize > heapLimit) {
                spill();
            } else {
                heap = new HeapBuffer(Math.max(256, expectedSize));
            }
        }

        @Override
        public void write(int b) throws IOException {
            if (fileOut == null && size < heapLimit && size < maxSize) {
                heap.write(b);   // SMTP DATA writes line ends byte by byte
                size++;
            } else {
                write(new byte[] {(byte) b}, 0, 1);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (size + len > maxSize) {
                throw new TooLargeException(maxSize);
            }
            size += len;
            if (fileOut == null && heap.size() + len > heapLimit) {
                spill();
            }
            if (fileOut != null) {
                fileOut.write(b, off, len);
            } else {
                heap.write(b, off, len);
            }
        }

        private void spill() {
            try {
                file = Files.createTempFile(dir, "msg-", ".spool");
                fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
                if (heap != null) {
                    heap.writeTo(fileOut);
                }
                heap = null;
            } catch (IOException e) {
                discard();
                throw new UncheckedIOException("cannot write a spool file in " + dir + ": " + e.getMessage(), e);
            }
        }

        /** The bytes written, in the heap or in a spool file that is now the caller's to release. */
        public MessageBytes finish() throws IOException {
            finished = true;
            if (fileOut == null) {
                return new HeapBytes(heap.bytes());
            }
            fileOut.close();
            return new FileBytes(file, 0, size, true);
        }

        @Override
        public void close() {
            if (!finished) {
                discard();
            }
        }

        @Override
        public void flush() throws IOException {
            if (fileOut != null) {
                fileOut.flush();
            }
        }

        /** Deletes what was written (the spool file, if any): for a writer that failed. */
        public void discard() {
            try {
                if (fileOut != null) {
                    fileOut.close();
                }
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // the leftover is cleared at the next start
            }
        }
    }
}
