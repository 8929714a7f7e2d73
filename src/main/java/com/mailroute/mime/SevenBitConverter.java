package com.mailroute.mime;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Down-converts an 8-bit MIME message to pure 7-bit for a next hop without 8BITMIME (RFC 6152
 * section 3): 8-bit text parts become quoted-printable, other 8-bit leaves base64, 8-bit headers
 * RFC 2047/IDNA/RFC 2231, recursively through multipart/* and message/rfc822. Parts that are
 * already 7-bit are written back byte for byte.
 *
 * <p>Damaged mail is converted too, the way readers read it: a part whose body does not decode as declared
 * (raw 8-bit lines in base64, an unknown encoding) is base64-encoded from its raw bytes; a header line that
 * is not a field ends its header section (see {@link HeaderEnd}); a multipart whose structure cannot be read
 * is converted as text; 8-bit bytes in a preamble or epilogue (which readers never show) become '?'. What
 * cannot be made 7-bit at all (a non-ASCII local part, signed content) is refused with the reason.
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
            return convert(message, false);
        } catch (IllegalStateException | MessagingException | UncheckedIOException angusMissedSomething) {
            // Angus's model of a damaged multipart left 8-bit bytes out of reach (a part it merged or dropped):
            // convert again with every such multipart taken as text, so that no byte is left 8-bit or lost.
            try {
                return convert(message, true);
            } catch (MessagingException e) {
                throw new IllegalArgumentException("message cannot be converted: " + e.getMessage(), e);
            }
        }
    }

    private Conversion convert(byte[] message, boolean multipartsWithEightBitAsText)
            throws MessagingException, SignedContentException {
        try {
            ParsedMessage parsed = ParsedMessage.parse(message);
            byte[] headerEnded = HeaderEnd.repaired(parsed);
            if (headerEnded != null) {
                parsed = ParsedMessage.parse(headerEnded);
            }
            Counts counts = new Counts(multipartsWithEightBitAsText);
            convertEntity(parsed, counts);
            if (counts.parts > 0 && parsed.getHeader("MIME-Version") == null) {
                // A plain RFC 5322 message that now carries a transfer encoding must say it is MIME.
                parsed.setHeader("MIME-Version", "1.0");
            }
            byte[] converted = endWithCrLf(parsed.toBytes());
            SevenBitCheck.require(converted);
            return new Conversion(converted, counts.parts, counts.headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Counts {
        final boolean multipartsWithEightBitAsText;
        int parts;
        int headers;
        int depth;

        Counts(boolean multipartsWithEightBitAsText) {
            this.multipartsWithEightBitAsText = multipartsWithEightBitAsText;
        }
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
        // Read how the body is labelled before the headers are rewritten.
        String declaredEncoding = Entities.declaredEncoding(part);
        int headers = headerEncoder.encode(part);
        headers += readableContentType(part);
        counts.headers += headers;
        ContentType type = Entities.contentType(part);
        boolean bodyChanged;
        MimeMultipart multipart = type.match("multipart/*") ? Entities.multipart(part) : null;
        if (multipart != null && Entities.hasEightBit(Entities.rawBody(part)) && (counts.multipartsWithEightBitAsText
                || multipart.getCount() < Epilogue.delimiterLines(Entities.rawBody(part), type.getParameter("boundary")))) {
            // Angus merged or dropped a part that has no empty line after its header: what it would leave out is
            // kept by converting the whole multipart as text.
            multipart = null;
        }
        if (multipart != null) {
            bodyChanged = convertMultipart(part, multipart, type, counts);
        } else if (type.match("multipart/*")) {
            bodyChanged = convertBrokenMultipart(part, declaredEncoding, counts);
        } else if (type.match("message/rfc822")) {
            bodyChanged = convertEncapsulated(part, declaredEncoding, counts);
        } else {
            bodyChanged = convertLeaf(part, type, declaredEncoding, counts);
        }
        return headers > 0 || bodyChanged;
    }

    /**
     * Angus parses a multipart with its strict Content-Type parser: a header readers still understand (junk after
     * the boundary parameter) is rewritten in the form Angus reads. Returns 1 when it was rewritten.
     */
    private static int readableContentType(MimePart part) throws MessagingException {
        String[] values = part.getHeader("Content-Type");
        if (values == null) {
            return 0;
        }
        try {
            new ContentType(values[0]);
            return 0;
        } catch (jakarta.mail.internet.ParseException strictFails) {
            ContentType lenient = MimeParameters.contentType(values[0]);
            if (lenient == null || !Entities.isAscii(lenient.toString())) {
                return 0;
            }
            part.setHeader("Content-Type", lenient.toString());
            return 1;
        }
    }

    private boolean convertMultipart(MimePart part, MimeMultipart multipart, ContentType type, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        if (type.match("multipart/signed") && !convertSigned && MessageNeeds.contentNeedsConversion(part)) {
            throw new SignedContentException("message is multipart/signed and contains 8-bit content;"
                    + " converting it to 7-bit would break the signature");
        }
        boolean childChanged = false;
        for (int i = 0; i < multipart.getCount(); i++) {
            MimeBodyPart child = (MimeBodyPart) multipart.getBodyPart(i);
            byte[] headerEnded = HeaderEnd.repaired(child);
            if (headerEnded != null) {
                child = new MimeBodyPart(new ByteArrayInputStream(headerEnded));
                multipart.removeBodyPart(i);
                multipart.addBodyPart(child, i);
                childChanged = true;
            }
            childChanged |= convertEntity(child, counts);
        }
        byte[] epilogue = Epilogue.of(Entities.rawBody(part), type.getParameter("boundary"));
        boolean eightBitAround = sevenBitPreamble(multipart) | (epilogue != null && Entities.hasEightBit(epilogue));
        boolean declaredEightBit = Entities.declaresEightBit(part);
        if (childChanged || eightBitAround) {
            // A parsed part is written from its original bytes until its content is set again.
            String[] contentType = part.getHeader("Content-Type");
            boolean hadEncoding = part.getHeader(Entities.CTE) != null;
            keepPreambleCrlf(multipart);
            part.setContent(epilogue == null ? multipart : new Epilogue(multipart, Epilogue.sevenBit(epilogue)));
            restore(part, contentType);
            if (hadEncoding) {
                part.setHeader(Entities.CTE, "7bit");
            }
        } else if (declaredEightBit) {
            part.setHeader(Entities.CTE, "7bit");
        }
        return childChanged || eightBitAround || declaredEightBit;
    }

    /** A multipart whose parts cannot be found: readers show its body as text, so it is converted as text. */
    private boolean convertBrokenMultipart(MimePart part, String declaredEncoding, Counts counts)
            throws MessagingException, IOException {
        if (!Entities.hasEightBit(Entities.rawBody(part)) && !Entities.declaresEightBit(part)) {
            return false;
        }
        part.setHeader("Content-Type", "text/plain");
        return convertLeaf(part, new ContentType("text", "plain", null), declaredEncoding, counts);
    }

    /** message/rfc822: the inner message is converted too and the part relabelled 7bit (RFC 2046 section 5.2.1 allows nothing else). */
    private boolean convertEncapsulated(MimePart part, String declaredEncoding, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        byte[] body = decoded(Entities.rawBody(part), declaredEncoding);
        if (body == null) {
            // Not readable as an enclosed message: its bytes are kept as an attachment.
            return convertLeaf(part, new ContentType("application", "octet-stream", null), declaredEncoding, counts);
        }
        ParsedMessage inner = new ParsedMessage(new ByteArrayInputStream(body));
        byte[] headerEnded = HeaderEnd.repaired(inner);
        boolean innerChanged = headerEnded != null;
        if (innerChanged) {
            inner = new ParsedMessage(new ByteArrayInputStream(headerEnded));
        }
        innerChanged |= convertEntity(inner, counts);
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

    private boolean convertLeaf(MimePart part, ContentType type, String declaredEncoding, Counts counts)
            throws MessagingException, IOException {
        byte[] raw = Entities.rawBody(part);
        boolean eightBitBytes = Entities.hasEightBit(raw);
        boolean declaredEightBit = "8bit".equals(declaredEncoding) || "binary".equals(declaredEncoding);
        if (!eightBitBytes && !declaredEightBit) {
            return false;
        }
        counts.parts++;
        boolean text = type.match("text/*");
        if (!eightBitBytes) {
            // Declared 8bit but every byte is ASCII (and the sanitizer keeps lines short): only the label is wrong.
            part.setHeader(Entities.CTE, "7bit");
            return true;
        }
        byte[] decoded = decoded(raw, declaredEncoding);
        String target = text ? "quoted-printable" : "base64";
        if (decoded == null) {
            // Not what it says it is: the raw bytes are kept whole, as base64, so nothing is lost.
            decoded = raw;
            target = "base64";
        }
        String[] contentType = part.getHeader("Content-Type");
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(decoded, "application/octet-stream")));
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
        part.setHeader(Entities.CTE, target);
        return true;
    }

    /**
     * The body decoded as declared, or null when it is not what the label says: base64 or uuencode holding raw
     * 8-bit bytes (never part of either) or not decoding, or an encoding nobody knows. Quoted-printable decodes
     * leniently, as readers decode it: raw 8-bit bytes in it stand for themselves.
     */
    private static byte[] decoded(byte[] raw, String encoding) {
        if (encoding == null || encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary")) {
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

    /** Replaces 8-bit characters of the preamble with '?'; true when there were any. */
    private static boolean sevenBitPreamble(MimeMultipart multipart) throws MessagingException {
        String preamble = multipart.getPreamble();
        if (preamble == null || Entities.isAscii(preamble)) {
            return false;
        }
        multipart.setPreamble(preamble.replaceAll("[^\\x00-\\x7F]", "?"));
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
