package com.mailroute.mime;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import com.mailroute.spool.MessageBytes;

/** {@link Bodies} for a message in the heap: every body is an array, read whole (cheap at this size). */
final class HeapBodies implements Bodies {
    static final HeapBodies INSTANCE = new HeapBodies();

    private HeapBodies() {
    }

    @Override
    public ParsedMessage parse(MessageBytes message) {
        return ParsedMessage.parse(message.toByteArray());
    }

    @Override
    public boolean hasEightBit(MimePart part) throws MessagingException, IOException {
        return Entities.hasEightBit(Entities.rawBody(part));
    }

    @Override
    public int delimiterLines(MimePart part, String boundary) throws MessagingException, IOException {
        return Epilogue.delimiterLines(Entities.rawBody(part), boundary);
    }

    @Override
    public Tail epilogue(MimePart part, String boundary) throws MessagingException, IOException {
        byte[] epilogue = Epilogue.of(Entities.rawBody(part), boundary);
        if (epilogue == null) {
            return null;
        }
        byte[] sevenBit = Epilogue.sevenBit(epilogue);
        return new Tail(Entities.hasEightBit(epilogue), os -> os.write(sevenBit));
    }

    @Override
    public ParsedMessage repaired(ParsedMessage message) throws MessagingException, IOException {
        byte[] headerEnded = HeaderEnd.repaired(message);
        return headerEnded == null ? null : ParsedMessage.parse(headerEnded);
    }

    @Override
    public MimeBodyPart repaired(MimeBodyPart part) throws MessagingException, IOException {
        byte[] headerEnded = HeaderEnd.repaired(part);
        return headerEnded == null ? null : new MimeBodyPart(new ByteArrayInputStream(headerEnded));
    }

    @Override
    public ParsedMessage enclosed(MimePart part, String declaredEncoding) throws MessagingException, IOException {
        byte[] body = decoded(Entities.rawBody(part), declaredEncoding);
        return body == null ? null : new ParsedMessage(new ByteArrayInputStream(body));
    }

    @Override
    public ParsedMessage enclosed(MimePart part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return new ParsedMessage(in);
        }
    }

    @Override
    public Leaf leaf(MimePart part, String declaredEncoding) throws MessagingException, IOException {
        byte[] raw = Entities.rawBody(part);
        byte[] decoded = decoded(raw, declaredEncoding);
        boolean asDeclared = decoded != null;
        byte[] content = asDeclared ? decoded : raw;
        DataSource source = new ByteArrayDataSource(content, "application/octet-stream");
        return new Leaf() {
            @Override
            public DataSource source() {
                return source;
            }

            @Override
            public boolean decodedAsDeclared() {
                return asDeclared;
            }

            @Override
            public boolean validUtf8() {
                return HeaderText.isValidUtf8(content);
            }
        };
    }

    @Override
    public MessageBytes written(ParsedMessage converted) throws MessagingException {
        byte[] bytes = endWithCrLf(converted.toBytes());
        SevenBitCheck.require(bytes);
        return MessageBytes.of(bytes);
    }

    @Override
    public void close() {
    }

    /**
     * The body decoded as declared, or null when it is not what the label says: base64 or uuencode holding raw
     * 8-bit bytes (never part of either) or not decoding, or an encoding nobody knows. Quoted-printable decodes
     * leniently, as readers decode it: raw 8-bit bytes in it stand for themselves.
     */
    static byte[] decoded(byte[] raw, String encoding) {
        if (isIdentity(encoding)) {
            return raw;
        }
        if (!encoding.equals("quoted-printable") && Entities.hasEightBit(raw)) {
            return null;
        }
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(raw), encoding)) {
            return in.readAllBytes();
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    /** No transfer encoding to undo. */
    static boolean isIdentity(String encoding) {
        return encoding == null || encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
    }

    private static byte[] endWithCrLf(byte[] message) {
        if (message.length >= 2 && message[message.length - 2] == '\r' && message[message.length - 1] == '\n') {
            return message;
        }
        byte[] out = Arrays.copyOf(message, message.length + 2);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
