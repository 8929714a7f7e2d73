package com.mailroute.spool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much message data MailRoute lets itself hold in the heap at once. Large messages never count (they are in spool
 * files); small ones do, with the copies made while they are accepted. When the heap cannot take another message now,
 * the way in answers "try again" (HTTP 503, SMTP 451) instead of running out of memory halfway through.
 */
public final class HeapBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public HeapBudget(long limit) {
        this.limit = limit;
    }

    /** A quarter of the maximum heap: the rest is Camel, the broker, the HTTP and SMTP servers, and headroom. */
    public static HeapBudget quarterOfHeap() {
        return new HeapBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    public long limit() {
        return limit;
    }

    /** Holds {@code bytes} of the budget until the lease is closed; refuses when they do not fit now. */
    public Lease hold(long bytes) {
        long now = held.addAndGet(bytes);
        if (now > limit && bytes > 0) {
            held.addAndGet(-bytes);
            throw new HeapFullException(now - bytes, bytes, limit);
        }
        return new Lease(bytes);
    }

    /** Returns the bytes to the budget once, however often it is closed. */
    public final class Lease implements AutoCloseable {
        private long bytes;

        private Lease(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public synchronized void close() {
            held.addAndGet(-bytes);
            bytes = 0;
        }
    }

    /** Not a fault of the message: the heap is busy with others; the sender tries again shortly. */
    public static final class HeapFullException extends RuntimeException {
        HeapFullException(long held, long wanted, long limit) {
            super("MailRoute's heap is busy with other messages (" + mb(held) + " held, " + mb(wanted) + " more needed, limit "
                    + mb(limit) + ", a quarter of the maximum heap): try again shortly");
        }

        private static String mb(long bytes) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
        }
    }
}
