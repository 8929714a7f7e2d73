package com.mailroute.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Searches of message bytes eight at a time. Every message is scanned several times on its way (line ends when it
 * is accepted, 8-bit bytes and line starts before each delivery, line starts again while it is dot-stuffed onto the
 * wire); a byte-by-byte loop made those scans a fifth of the relay's CPU time for 100 KB messages.
 *
 * <p>Each 8-byte word is tested with the usual bit trick: {@code (x - 0x01..01) & ~x & 0x80..80} is non-zero when a
 * byte of {@code x} is zero, and its lowest set bit marks the first such byte exactly (a borrow can only mark bytes
 * above a real zero). XOR with a repeated byte turns "equals b" into "is zero".
 */
public final class ByteSearch {
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long CRS = '\r' * ONES;
    private static final long LFS = '\n' * ONES;

    private ByteSearch() {
    }

    /** Index of the first {@code value} in {@code b[from, to)}, or -1. */
    public static int indexOf(byte[] b, int from, int to, byte value) {
        long pattern = (value & 0xFFL) * ONES;
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long zeros = zeroBytes((long) WORD.get(b, i) ^ pattern);
            if (zeros != 0) {
                return i + first(zeros);
            }
        }
        for (; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first byte >= 0x80 in {@code b[from, to)}, or -1. */
    public static int indexOfNonAscii(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long high = (long) WORD.get(b, i) & HIGH_BITS;
            if (high != 0) {
                return i + first(high);
            }
        }
        for (; i < to; i++) {
            if (b[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first CR, LF or NUL in {@code b[from, to)}, or -1: where a line ends or a message needs repair. */
    public static int indexOfCrLfOrNul(byte[] b, int from, int to) {
        return indexOfLineEnd(b, from, to, true);
    }

    /** Index of the first CR or LF in {@code b[from, to)}, or -1. */
    public static int indexOfCrOrLf(byte[] b, int from, int to) {
        return indexOfLineEnd(b, from, to, false);
    }

    private static int indexOfLineEnd(byte[] b, int from, int to, boolean orNul) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) WORD.get(b, i);
            long found = zeroBytes(x ^ CRS) | zeroBytes(x ^ LFS) | (orNul ? zeroBytes(x) : 0);
            if (found != 0) {
                return i + first(found);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\r' || b[i] == '\n' || (orNul && b[i] == 0)) {
                return i;
            }
        }
        return -1;
    }

    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGH_BITS;
    }

    /** Byte offset of the lowest marked byte (little-endian: the lowest address). */
    private static int first(long marks) {
        return Long.numberOfTrailingZeros(marks) >>> 3;
    }
}
