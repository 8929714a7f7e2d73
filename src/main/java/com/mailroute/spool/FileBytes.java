package com.mailroute.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bytes in a file: {@code length} bytes from {@code offset}. A spool file is {@code owned} (deleted on release);
 * a pickup file is not (the pickup route deletes it once its jobs are committed).
 */
public record FileBytes(Path file, long offset, long length, boolean owned) implements MessageBytes {

    @Override
    public long size() {
        return length;
    }

    @Override
    public InputStream open() {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            return new BoundedInputStream(Channels.newInputStream(ch), length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean inHeap() {
        return false;
    }

    @Override
    public byte[] toByteArray() {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(file + " holds " + length + " bytes: too large for one array");
        }
        try (InputStream in = open()) {
            return in.readNBytes((int) length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A region of this file that does not own it (the whole does): releasing the region never deletes the file. */
    @Override
    public MessageBytes after(long n) {
        return n == 0 && !owned ? this : new FileBytes(file, offset + n, length - n, false);
    }

    @Override
    public void release() {
        if (owned) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete spool file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads no further than the region's end. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
