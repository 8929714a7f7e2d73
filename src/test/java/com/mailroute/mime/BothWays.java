package com.mailroute.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.testsupport.Spools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the converter and the checks on a message in the heap (today's array code) and on the same bytes spooled (a
 * 64-byte heap limit, streamed, never read whole), asserts that both give the same result, and returns the heap's.
 * Every existing converter test thereby also tests the streaming path.
 */
final class BothWays {
    static final Spool HEAP = Spools.heap();
    static final Spool TINY = Spools.tiny();

    private BothWays() {
    }

    static SevenBitConverter converter(boolean convertSigned) {
        return new SevenBitConverter(convertSigned, HEAP);
    }

    static Conversion convert(SevenBitConverter converter, byte[] original) throws SignedContentException {
        Conversion heap;
        try {
            heap = converter.convert(MessageBytes.of(original));
        } catch (RuntimeException | SignedContentException e) {
            assertSpooledThrowsTheSame(converter, original, e);
            throw e;
        }
        MessageBytes spooled = Spools.spooled(TINY, original);
        long before = Spools.files(TINY);
        try {
            Conversion streamed = new SevenBitConverter(converter.convertSigned(), TINY).convert(spooled);
            assertThat(read(streamed.bytes())).as("the spooled message converted as a stream").isEqualTo(heap.bytes().toByteArray());
            assertThat(streamed.partsConverted()).isEqualTo(heap.partsConverted());
            assertThat(streamed.headersEncoded()).isEqualTo(heap.headersEncoded());
            assertThat(streamed.bytes() == spooled).as("nothing converted: the same bytes").isEqualTo(heap.bytes().toByteArray() == original);
            if (streamed.bytes() != spooled) {
                streamed.bytes().release();
            }
            assertThat(Spools.files(TINY)).as("scratch spool files left behind").isEqualTo(before);
        } catch (SignedContentException e) {
            throw new AssertionError("the spooled message was refused, the same in the heap was not", e);
        } finally {
            spooled.release();
        }
        return heap;
    }

    private static void assertSpooledThrowsTheSame(SevenBitConverter converter, byte[] original, Exception heap) {
        MessageBytes spooled = Spools.spooled(TINY, original);
        try {
            new SevenBitConverter(converter.convertSigned(), TINY).convert(spooled);
            throw new AssertionError("the heap conversion threw " + heap + ", the streamed one did not");
        } catch (RuntimeException | SignedContentException e) {
            assertThat(e).hasSameClassAs(heap).hasMessage(heap.getMessage());
        } finally {
            spooled.release();
        }
    }

    static MessageNeeds needs(byte[] message, String sender, List<String> recipients) {
        MessageNeeds heap = MessageNeeds.of(MessageBytes.of(message), sender, recipients, HEAP);
        MessageBytes spooled = Spools.spooled(TINY, message);
        try {
            assertThat(MessageNeeds.of(spooled, sender, recipients, TINY)).hasToString(heap.toString());
        } finally {
            spooled.release();
        }
        return heap;
    }

    static byte[] read(MessageBytes bytes) {
        try (InputStream in = bytes.open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
