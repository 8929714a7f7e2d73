package com.mailroute.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSearchTest {

    /** Short arrays over a small alphabet with the searched bytes dense: every offset in the word and the tail. */
    private static byte[] sample(Random random) {
        byte[] alphabet = {'a', '.', '\r', '\n', 0, (byte) 0x80, (byte) 0xFF, 0x7F, 0x01, (byte) 0x8D, (byte) 0x8A};
        byte[] b = new byte[random.nextInt(40)];
        int density = 1 + random.nextInt(30);
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextInt(density) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('a' + random.nextInt(26));
        }
        return b;
    }

    @Test
    void everySearchShouldFindWhatAByteByByteLoopFinds() {
        Random random = new Random(20261202);
        for (int n = 0; n < 200_000; n++) {
            byte[] b = sample(random);
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            String where = java.util.Arrays.toString(b) + " [" + from + ", " + to + ")";
            assertEquals(naive(b, from, to, x -> x == '\n'), ByteSearch.indexOf(b, from, to, (byte) '\n'), "LF in " + where);
            assertEquals(naive(b, from, to, x -> x == (byte) 0x8D), ByteSearch.indexOf(b, from, to, (byte) 0x8D), "0x8D in " + where);
            assertEquals(naive(b, from, to, x -> x < 0), ByteSearch.indexOfNonAscii(b, from, to), "8-bit in " + where);
            assertEquals(naive(b, from, to, x -> x == '\r' || x == '\n' || x == 0), ByteSearch.indexOfCrLfOrNul(b, from, to), "CR/LF/NUL in " + where);
            assertEquals(naive(b, from, to, x -> x == '\r' || x == '\n'), ByteSearch.indexOfCrOrLf(b, from, to), "CR/LF in " + where);
        }
    }

    @Test
    void aMatchAfterAZeroByteShouldNotHideTheZeroItself() {
        // the borrow of a zero byte can mark the byte above it: the first mark must still be the zero
        byte[] b = {'x', 'x', 'x', 0, 1, '\r', 'x', 'x', 'x'};
        assertEquals(3, ByteSearch.indexOfCrLfOrNul(b, 0, b.length));
        assertEquals(5, ByteSearch.indexOfCrOrLf(b, 0, b.length));
        assertEquals(-1, ByteSearch.indexOfNonAscii(b, 0, b.length));
    }

    private interface BytePredicate {
        boolean test(byte b);
    }

    private static int naive(byte[] b, int from, int to, BytePredicate p) {
        for (int i = from; i < to; i++) {
            if (p.test(b[i])) {
                return i;
            }
        }
        return -1;
    }
}
