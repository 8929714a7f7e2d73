package com.mailroute.spool;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/** Bytes in the heap: small messages, which are most of them. */
public record HeapBytes(byte[] bytes) implements MessageBytes {
    public HeapBytes {
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public boolean inHeap() {
        return true;
    }

    @Override
    public byte[] toByteArray() {
        return bytes;
    }

    @Override
    public void writeTo(OutputStream out) {
        try {
            out.write(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public MessageBytes after(long n) {
        return n == 0 ? this : new HeapBytes(java.util.Arrays.copyOfRange(bytes, (int) n, bytes.length));
    }

    @Override
    public String toString() {
        return "HeapBytes[" + bytes.length + " bytes]";
    }
}
