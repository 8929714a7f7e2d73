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
        }
    }

    @Test
    void theIrregularLineSearchShouldFindWhatALoopOverEveryByteFinds() {
        Random random = new Random(20261203);
        for (int n = 0; n < 300_000; n++) {
            byte[] b = n % 2 == 0 ? sample(random) : lines(random);
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            boolean atLineStart = random.nextBoolean();
            boolean dots = random.nextBoolean();
            boolean nuls = random.nextBoolean();
            assertEquals(naiveIrregular(b, from, to, atLineStart, dots, nuls), ByteSearch.indexOfIrregularLine(b, from, to, atLineStart, dots, nuls),
                    () -> java.util.Arrays.toString(b) + " [" + from + ", " + to + ") lineStart=" + atLineStart + " dots=" + dots + " nuls=" + nuls);
        }
    }

    @Test
    void aBareCrAtTheEndOfAWordShouldBeFoundWhereItIsNotWhereItsNextByteIs() {
        byte[] b = "abcdefg\rhijklmno\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(7, ByteSearch.indexOfIrregularLine(b, 0, b.length, true, true, true));
        byte[] clean = "abcdefg\r\n.ijklmno\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(-1, ByteSearch.indexOfIrregularLine(clean, 0, clean.length, true, false, true));
        assertEquals(9, ByteSearch.indexOfIrregularLine(clean, 0, clean.length, true, true, true));
        assertEquals(7, ByteSearch.indexOfIrregularLine(clean, 0, 8, true, true, true), "a CR that ends the range has no LF");
    }

    /** Mostly CRLF lines, some starting with a dot, with now and then a bare CR, a bare LF or a NUL. */
    private static byte[] lines(Random random) {
        String[] pieces = {"abcdefghij", "xyz", "\r\n", "\r\n", "\r\n.", "\r\n..", "\r", "\n", "\u0000", "."};
        int defects = 1 + random.nextInt(40);
        StringBuilder sb = new StringBuilder();
        int count = random.nextInt(30);
        for (int i = 0; i < count; i++) {
            String piece = pieces[random.nextInt(6)];
            sb.append(random.nextInt(defects) == 0 ? pieces[6 + random.nextInt(4)] : piece);
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int naiveIrregular(byte[] b, int from, int to, boolean atLineStart, boolean dots, boolean nuls) {
        for (int i = from; i < to; i++) {
            boolean afterCr = i > from && b[i - 1] == '\r';
            boolean afterLf = i > from ? b[i - 1] == '\n' : atLineStart;
            if (b[i] == '\r' && (i + 1 == to || b[i + 1] != '\n') || b[i] == '\n' && !afterCr
                    || dots && b[i] == '.' && afterLf || nuls && b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aMatchAfterAZeroByteShouldNotHideTheZeroItself() {
        // the borrow of a zero byte can mark the byte above it: the first mark must still be the zero
        byte[] b = {'x', 'x', 'x', 0, 1, '\r', 'x', 'x', 'x'};
        assertEquals(5, ByteSearch.indexOf(b, 0, b.length, (byte) '\r'));
        assertEquals(3, ByteSearch.indexOfIrregularLine(b, 0, b.length, true, false, true));
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
