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
    private static final long DOTS = '.' * ONES;
    private static final long LOW_BITS = 0x7F7F7F7F7F7F7F7FL;
    /** Bytes below 14: CR, LF and NUL among them. */
    private static final long BELOW_CR = ('\r' + 1) * ONES;

    private ByteSearch() {
    }

    /** Index of the first {@code value} in {@code b[from, to)}, or -1. */
    public static int indexOf(byte[] b, int from, int to, byte value) {
        long pattern = (value & 0xFFL) * ONES;
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long zeros = bytesBelow((long) WORD.get(b, i) ^ pattern, ONES);
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

    /**
     * Index of the first place in {@code b[from, to)} where a message is not plain CRLF lines: a CR not followed by LF
     * (also one that ends the range: its LF is not there), an LF not after a CR (also one at {@code from}: the CR
     * before it is not in the range), with {@code dots} a "." that starts a line, with {@code nuls} a NUL; or -1.
     * {@code atLineStart} says whether {@code from} starts a line (for the dot).
     * <p>One pass, no matter how many lines: a CRLF is recognised by matching the word's LF marks against its CR
     * marks moved up one byte, with the CR of the word before carried in. A search per line paid its set-up and
     * loop exit on every line, ~80 bytes of base64, and was the largest single item of a 100 KB message's CPU.
     * Most words of a body hold no line end at all (a line is ~10 words); one test that no byte is below 14 passes
     * them, and only the others are matched for CR, LF, dot and NUL.
     */
    public static int indexOfIrregularLine(byte[] b, int from, int to, boolean atLineStart, boolean dots, boolean nuls) {
        long crBefore = 0;                          // bit 7 of byte 0: the byte before this word is a CR
        long lfBefore = atLineStart ? 0x80L : 0;    // ... is an LF (or the start of a line)
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) WORD.get(b, i);
            if ((crBefore | lfBefore) == 0 && bytesBelow(x, BELOW_CR) == 0) {
                continue;   // no CR, LF or NUL here, and no line starts here
            }
            long cr = equalBytes(x, CRS);
            long lf = equalBytes(x, LFS);
            long afterCr = cr << 8 | crBefore;
            long afterLf = lf << 8 | lfBefore;
            // an LF not after a CR, or a byte after a CR that is not an LF (the bare CR is the byte before the mark)
            long marks = lf ^ afterCr;
            if (dots) {
                marks |= equalBytes(x, DOTS) & afterLf;
            }
            if (nuls) {
                marks |= equalBytes(x, 0);
            }
            if (marks != 0) {
                int k = first(marks);
                return (afterCr & ~lf & 0x80L << (k << 3)) != 0 ? i + k - 1 : i + k;
            }
            crBefore = cr >>> 56;
            lfBefore = lf >>> 56;
        }
        boolean afterCr = crBefore != 0;
        boolean afterLf = lfBefore != 0;
        for (; i < to; i++) {
            byte c = b[i];
            if (afterCr && c != '\n') {
                return i - 1;
            }
            if (c == '\n' && !afterCr || dots && c == '.' && afterLf || nuls && c == 0) {
                return i;
            }
            afterCr = c == '\r';
            afterLf = c == '\n';
        }
        return afterCr ? to - 1 : -1;
    }

    /** 0x80 in each byte of {@code x} equal to the byte of {@code pattern}, 0 in the others: exact, no borrows. */
    private static long equalBytes(long x, long pattern) {
        long y = x ^ pattern;
        return ~((y & LOW_BITS) + LOW_BITS | y | LOW_BITS);
    }

    /**
     * Non-zero exactly when a byte of {@code x} is below its byte of {@code limits} (each limit 1..128; ONES: a zero
     * byte). The lowest marked byte is the first such byte; a borrow may mark bytes above it.
     */
    private static long bytesBelow(long x, long limits) {
        return (x - limits) & ~x & HIGH_BITS;
    }

    /** Byte offset of the lowest marked byte (little-endian: the lowest address). */
    private static int first(long marks) {
        return Long.numberOfTrailingZeros(marks) >>> 3;
    }
}
