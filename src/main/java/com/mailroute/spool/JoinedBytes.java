package com.mailroute.spool;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;

/** A short head (a trace or signature field) before a spooled message, without copying the message. */
record JoinedBytes(byte[] head, MessageBytes rest) implements MessageBytes {

    @Override
    public long size() {
        return head.length + rest.size();
    }

    @Override
    public InputStream open() {
        return new SequenceInputStream(new ByteArrayInputStream(head), rest.open());
    }

    @Override
    public boolean inHeap() {
        return false;
    }

    @Override
    public byte[] toByteArray() {
        byte[] tail = rest.toByteArray();
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Override
    public MessageBytes after(long n) {
        return n >= head.length ? rest.after(n - head.length) : new JoinedBytes(java.util.Arrays.copyOfRange(head, (int) n, head.length), rest);
    }

    @Override
    public void release() {
        rest.release();
    }
}
