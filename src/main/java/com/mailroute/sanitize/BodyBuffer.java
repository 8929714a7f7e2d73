package com.mailroute.sanitize;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Where a repaired body or part is written: the heap for a message that is in the heap, a spool sink (heap while
 * small, a file past the spool threshold) for a spooled one, so a repair never holds a large message whole.
 * {@link #finish()} hands the bytes over (a spool file is then the caller's to release); {@link #close()} without
 * it discards them. Writes throw {@link UncheckedIOException}, as ByteArrayOutputStream's never fail.
 */
abstract class BodyBuffer extends OutputStream {

    /** Makes a new, empty buffer of one kind. */
    interface Factory {
        BodyBuffer create(int sizeHint);
    }

    static final Factory HEAP = HeapBuffer::new;

    static Factory spool(Spool spool) {
        return sizeHint -> new SpoolBuffer(spool.sink());
    }

    abstract MessageBytes finish();

    @Override
    public abstract void write(byte[] b, int off, int len);

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public abstract void write(int b);

    /** Discards what was written unless {@link #finish()} was called. */
    @Override
    public abstract void close();

    private static final class HeapBuffer extends BodyBuffer {
        private final ByteArrayOutputStream out;

        HeapBuffer(int sizeHint) {
            out = new ByteArrayOutputStream(Math.max(32, sizeHint));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
        }

        @Override
        public void write(int b) {
            out.write(b);
        }

        @Override
        MessageBytes finish() {
            return MessageBytes.of(out.toByteArray());
        }

        @Override
        public void close() {
        }
    }

    private static final class SpoolBuffer extends BodyBuffer {
        private final Spool.Sink sink;
        /** Repairs write line ends byte by byte; the sink is made for blocks. */
        private final BufferedOutputStream out;

        SpoolBuffer(Spool.Sink sink) {
            this.sink = sink;
            this.out = new BufferedOutputStream(sink, 64 * 1024);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a repaired copy to the spool: " + e.getMessage(), e);
            }
        }

        @Override
        public void write(int b) {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a repaired copy to the spool: " + e.getMessage(), e);
            }
        }

        @Override
        MessageBytes finish() {
            try {
                out.flush();
                return sink.finish();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a repaired copy to the spool: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            sink.close();
        }
    }
}
