package com.mailroute.mime;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimePart;

import java.io.IOException;
import java.io.OutputStream;

import com.mailroute.spool.MessageBytes;

/**
 * How the checks and the converter read what is below the headers: {@link HeapBodies} with whole arrays for a message
 * in the heap (most mail, today's code), {@link SpooledBodies} with streams over the spool file for a large one, so
 * that memory holds header sections and buffers but never a part's content. One instance serves one message; closing
 * it deletes the scratch files it made.
 */
interface Bodies extends AutoCloseable {

    /** The message parsed; IllegalArgumentException when it is not MIME at all. */
    ParsedMessage parse(MessageBytes message);

    /** Any byte >= 0x80 in the entity's body as it stands (still transfer-encoded). */
    boolean hasEightBit(MimePart part) throws MessagingException, IOException;

    /** {@link Epilogue#delimiterLines(byte[], String)} of the entity's raw body. */
    int delimiterLines(MimePart part, String boundary) throws MessagingException, IOException;

    /** The text after the close delimiter of a multipart's raw body, or null when there is none. */
    Tail epilogue(MimePart part, String boundary) throws MessagingException, IOException;

    /** The message again with its header section ended before a non-field line ({@link HeaderEnd}), or null. */
    ParsedMessage repaired(ParsedMessage message) throws MessagingException, IOException;

    /** The part again with its header section ended before a non-field line ({@link HeaderEnd}), or null. */
    MimeBodyPart repaired(MimeBodyPart part) throws MessagingException, IOException;

    /** The message inside a message/rfc822 part, decoded as declared; null when it is not readable as one. */
    ParsedMessage enclosed(MimePart part, String declaredEncoding) throws MessagingException, IOException;

    /** The message inside a message/rfc822 part as Angus decodes it (for the checks); throws when unreadable. */
    ParsedMessage enclosed(MimePart part) throws MessagingException, IOException;

    /** A leaf's content for re-encoding: decoded as declared, or its raw bytes when it does not decode. */
    Leaf leaf(MimePart part, String declaredEncoding) throws MessagingException, IOException;

    /** The converted message written out: 7-bit checked ({@link SevenBitCheck}), ending in CRLF. */
    MessageBytes written(ParsedMessage converted) throws MessagingException, IOException;

    @Override
    void close();

    /** An epilogue: whether it holds 8-bit bytes, and how to write it with those as '?'. */
    record Tail(boolean eightBit, Epilogue.Tail sevenBit) {
    }

    /** A leaf's content: the source to encode, whether it decoded as declared, and whether it is valid UTF-8. */
    interface Leaf {
        DataSource source();

        boolean decodedAsDeclared();

        boolean validUtf8() throws IOException;
    }

    /** Writes bytes with each 8-bit byte as '?'. */
    static void writeSevenBit(byte[] b, int off, int len, OutputStream os) throws IOException {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = b[off + i] < 0 ? (byte) '?' : b[off + i];
        }
        os.write(out);
    }
}
