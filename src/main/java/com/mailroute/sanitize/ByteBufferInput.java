package com.mailroute.sanitize;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** An InputStream over a region of a buffer (a heap array or a mapped spool file), without copying it. */
final class ByteBufferInput extends InputStream {
    private final ByteBuffer buf;

    private ByteBufferInput(ByteBuffer buf) {
        this.buf = buf;
    }

    static InputStream of(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            return new ByteArrayInputStream(buf.array(), buf.arrayOffset() + from, to - from);
        }
        return new ByteBufferInput(buf.slice(from, to - from));
    }

    @Override
    public int read() {
        return buf.hasRemaining() ? buf.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (!buf.hasRemaining()) {
            return -1;
        }
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) {
        int k = (int) Math.max(0, Math.min(n, buf.remaining()));
        buf.position(buf.position() + k);
        return k;
    }

    @Override
    public int available() {
        return buf.remaining();
    }
}
