package com.mailroute.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A message's bytes wherever they are: in the heap while small, in a spool file (or a region of a pickup file) when
 * large. Readable any number of times, each {@link #open()} from the start, so a message of any size passes through
 * MailRoute in bounded memory. Whoever creates a spooled one releases it ({@link #release()}) when done.
 */
public interface MessageBytes {

    long size();

    /** A new stream over all the bytes; the caller closes it. */
    InputStream open();

    /** True when the bytes are in the heap: {@link #toByteArray()} is then cheap (no copy for a plain array). */
    boolean inHeap();

    /**
     * The bytes as one array. For bytes in the heap; code that may meet a spooled message must stream instead
     * ({@link #open()}, {@link #writeTo}), or it holds the whole message in the heap.
     */
    byte[] toByteArray();

    /** The first {@code max} bytes (all of them when fewer): the header section of a large message, say. */
    default byte[] head(int max) {
        try (InputStream in = open()) {
            return in.readNBytes(max);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bytes after the first {@code n} (a pickup file after its envelope lines), sharing rather than copying a file
     * and never owning it: {@code after(0)} is a view of bytes someone else releases.
     */
    MessageBytes after(long n);

    /** Deletes the spool file this owns, if any; the bytes must not be read afterwards. */
    default void release() {
    }

    default void writeTo(OutputStream out) {
        try (InputStream in = open()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MessageBytes of(byte[] bytes) {
        return new HeapBytes(bytes);
    }

    /**
     * {@code head} followed by {@code rest} (a Received field before a message): one array when {@code rest} is in the
     * heap (a copy, as one array is what the broker client and DATA take), a view that does not copy {@code rest} when
     * it is spooled.
     */
    static MessageBytes concat(byte[] head, MessageBytes rest) {
        if (rest.inHeap()) {
            return concat(head, rest.toByteArray(), 0);
        }
        return new JoinedBytes(head, rest);
    }

    /** {@code head} followed by {@code rest} from index {@code from} on, copied once into one array of that size. */
    static MessageBytes concat(byte[] head, byte[] rest, int from) {
        byte[] all = new byte[head.length + rest.length - from];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, from, all, head.length, rest.length - from);
        return new HeapBytes(all);
    }
}
