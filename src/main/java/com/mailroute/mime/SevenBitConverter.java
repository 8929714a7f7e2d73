package com.mailroute.mime;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Down-converts an 8-bit MIME message to pure 7-bit for a next hop without 8BITMIME (RFC 6152
 * section 3): 8-bit text parts become quoted-printable, other 8-bit leaves base64, 8-bit headers
 * RFC 2047/IDNA/RFC 2231, recursively through multipart/* and message/rfc822. Parts that are
 * already 7-bit are written back byte for byte.
 */
public final class SevenBitConverter {

    private final boolean convertSigned;
    private final HeaderEncoder headerEncoder = new HeaderEncoder();

    /** @param convertSigned convert multipart/signed content too, knowingly breaking its signature */
    public SevenBitConverter(boolean convertSigned) {
        this.convertSigned = convertSigned;
    }

    /**
     * Returns a message that is pure 7-bit and parses to the same decoded content.
     *
     * @throws SignedContentException signed content would have to change and convertSigned is false
     * @throws IllegalArgumentException the message does not parse, or an address header has a
     *         non-ASCII local part (that needs SMTPUTF8, see {@link MessageNeeds#smtpUtf8()})
     */
    public Conversion convert(byte[] message) throws SignedContentException {
        if (!Entities.hasEightBit(message) && !MessageNeeds.declaresEightBitAnywhere(message)) {
            return new Conversion(message, 0, 0);
        }
        try {
            ParsedMessage parsed = ParsedMessage.parse(message);
            Counts counts = new Counts();
            convertEntity(parsed, counts);
            if (counts.parts > 0 && parsed.getHeader("MIME-Version") == null) {
                // A plain RFC 5322 message that now carries a transfer encoding must say it is MIME.
                parsed.setHeader("MIME-Version", "1.0");
            }
            byte[] converted = parsed.toBytes();
            SevenBitCheck.require(converted);
            return new Conversion(converted, counts.parts, counts.headers);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("message cannot be converted: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Counts {
        int parts;
        int headers;
        int depth;
    }

    /** Converts one entity in place; true when anything in it changed. */
    private boolean convertEntity(MimePart part, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        if (++counts.depth > Entities.MAX_DEPTH) {
            throw new IllegalArgumentException("message cannot be converted: MIME structure nested deeper than " + Entities.MAX_DEPTH + " levels");
        }
        try {
            return convertEntityAtDepth(part, counts);
        } finally {
            counts.depth--;
        }
    }

    private boolean convertEntityAtDepth(MimePart part, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        int headers = headerEncoder.encode(part);
        counts.headers += headers;
        ContentType type = Entities.contentType(part);
        boolean bodyChanged;
        if (type.match("multipart/*")) {
            bodyChanged = convertMultipart(part, type, counts);
        } else if (type.match("message/rfc822")) {
            bodyChanged = convertEncapsulated(part, counts);
        } else {
            bodyChanged = convertLeaf(part, type, counts);
        }
        return headers > 0 || bodyChanged;
    }

    private boolean convertMultipart(MimePart part, ContentType type, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        if (type.match("multipart/signed") && !convertSigned && MessageNeeds.contentNeedsConversion(part)) {
            throw new SignedContentException("message is multipart/signed and contains 8-bit content;"
                    + " converting it to 7-bit would break the signature");
        }
        MimeMultipart multipart = (MimeMultipart) part.getContent();
        boolean childChanged = false;
        for (int i = 0; i < multipart.getCount(); i++) {
            childChanged |= convertEntity((MimeBodyPart) multipart.getBodyPart(i), counts);
        }
        boolean declaredEightBit = Entities.declaresEightBit(part);
        if (childChanged) {
            // A parsed part is written from its original bytes until its content is set again.
            String[] contentType = part.getHeader("Content-Type");
            boolean hadEncoding = part.getHeader(Entities.CTE) != null;
            keepPreambleCrlf(multipart);
            part.setContent(multipart);
            restore(part, contentType);
            if (hadEncoding) {
                part.setHeader(Entities.CTE, "7bit");
            }
        } else if (declaredEightBit) {
            part.setHeader(Entities.CTE, "7bit");
        }
        return childChanged || declaredEightBit;
    }

    /** message/rfc822: the inner message is converted too and the part relabelled 7bit (RFC 2046 section 5.2.1 allows nothing else). */
    private boolean convertEncapsulated(MimePart part, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        ParsedMessage inner;
        try (InputStream in = part.getInputStream()) {
            inner = new ParsedMessage(in);
        }
        boolean innerChanged = convertEntity(inner, counts);
        boolean declaredEightBit = Entities.declaresEightBit(part);
        if (innerChanged) {
            String[] contentType = part.getHeader("Content-Type");
            part.setContent(inner.readyToWrite(), "message/rfc822");
            restore(part, contentType);
            part.setHeader(Entities.CTE, "7bit");
        } else if (declaredEightBit) {
            part.setHeader(Entities.CTE, "7bit");
        }
        return innerChanged || declaredEightBit;
    }

    private boolean convertLeaf(MimePart part, ContentType type, Counts counts) throws MessagingException, IOException {
        boolean eightBitBytes = Entities.hasEightBit(Entities.rawBody(part));
        if (!eightBitBytes && !Entities.declaresEightBit(part)) {
            return false;
        }
        counts.parts++;
        boolean text = type.match("text/*");
        if (text && !eightBitBytes) {
            // Declared 8bit but every byte is ASCII and lines are already short: only the label is wrong.
            part.setHeader(Entities.CTE, "7bit");
            return true;
        }
        byte[] decoded;
        try (InputStream in = part.getInputStream()) {
            decoded = in.readAllBytes();
        }
        String[] contentType = part.getHeader("Content-Type");
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(decoded, type.toString())));
        restore(part, contentType);
        if (text && type.getParameter("charset") == null) {
            // Raw 8-bit text without a charset meant something to its writer; once encoded, readers assume US-ASCII.
            ContentType labelled = new ContentType(type.getBaseType());
            if (type.getParameterList() != null) {
                labelled.setParameterList(type.getParameterList());
            }
            labelled.setParameter("charset", HeaderText.isValidUtf8(decoded) ? "utf-8" : "iso-8859-1");
            part.setHeader("Content-Type", labelled.toString());
        }
        part.setHeader(Entities.CTE, text ? "quoted-printable" : "base64");
        return true;
    }

    /** Angus keeps a parsed preamble with the platform's line separator; on the wire it must be CRLF. */
    private static void keepPreambleCrlf(MimeMultipart multipart) throws MessagingException {
        String preamble = multipart.getPreamble();
        if (preamble != null) {
            multipart.setPreamble(preamble.replaceAll("\r?\n", "\r\n"));
        }
    }

    /** Setting content removes Content-Type; putting the original value back keeps its place and parameters. */
    private static void restore(MimePart part, String[] contentType) throws MessagingException {
        if (contentType != null) {
            part.setHeader("Content-Type", contentType[0]);
        }
    }
}
