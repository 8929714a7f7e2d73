package com.mailroute.mime;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;

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
    private final Spool spool;
    private final HeaderEncoder headerEncoder = new HeaderEncoder();

    /**
     * @param convertSigned convert multipart/signed content too, knowingly breaking its signature
     * @param spool         where a spooled message's converted copy is written (and its scratch files while converting)
     */
    public SevenBitConverter(boolean convertSigned, Spool spool) {
        this.convertSigned = convertSigned;
        this.spool = spool;
    }

    public Spool spool() {
        return spool;
    }

    boolean convertSigned() {
        return convertSigned;
    }

    /**
     * Returns a message that is pure 7-bit and parses to the same decoded content. A message in the heap is converted
     * in the heap; a spooled one is parsed from its file and written to a new spool file (owned by the caller: release
     * it once sent), with every part's content streamed. Nothing converted gives the very same {@code message}.
     *
     * @throws SignedContentException signed content would have to change and convertSigned is false
     * @throws IllegalArgumentException the message does not parse, or an address header has a
     *         non-ASCII local part (that needs SMTPUTF8, see {@link MessageNeeds#smtpUtf8()})
     */
    public Conversion convert(MessageBytes message) throws SignedContentException {
        boolean inHeap = message.inHeap();
        if (inHeap) {
            byte[] bytes = message.toByteArray();
            if (!Entities.hasEightBit(bytes) && !MessageNeeds.declaresEightBitAnywhere(bytes)) {
                return new Conversion(message, 0, 0);
            }
        } else if (!MessageNeeds.of(message, "", List.of(), spool).eightBit()) {
            return new Conversion(message, 0, 0);
        }
        try {
            return convert(message, false, inHeap);
        } catch (IllegalStateException | MessagingException | UncheckedIOException angusMissedSomething) {
            // Angus's model of a damaged multipart left 8-bit bytes out of reach (a part it merged or dropped):
            // convert again with every such multipart taken as text, so that no byte is left 8-bit or lost.
            try {
                return convert(message, true, inHeap);
            } catch (MessagingException e) {
                throw new IllegalArgumentException("message cannot be converted: " + e.getMessage(), e);
            }
        }
    }

    private Conversion convert(MessageBytes message, boolean multipartsWithEightBitAsText, boolean inHeap)
            throws MessagingException, SignedContentException {
        try (Bodies bodies = inHeap ? HeapBodies.INSTANCE : new SpooledBodies(spool)) {
            ParsedMessage parsed = bodies.parse(message);
            ParsedMessage headerEnded = bodies.repaired(parsed);
            if (headerEnded != null) {
                parsed = headerEnded;
            }
            Counts counts = new Counts(multipartsWithEightBitAsText, bodies);
            convertEntity(parsed, counts);
            if (counts.parts > 0 && parsed.getHeader("MIME-Version") == null) {
                // A plain RFC 5322 message that now carries a transfer encoding must say it is MIME.
                parsed.setHeader("MIME-Version", "1.0");
            }
            return new Conversion(bodies.written(parsed), counts.parts, counts.headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Counts {
        final boolean multipartsWithEightBitAsText;
        final Bodies bodies;
        int parts;
        int headers;
        int depth;

        Counts(boolean multipartsWithEightBitAsText, Bodies bodies) {
            this.multipartsWithEightBitAsText = multipartsWithEightBitAsText;
            this.bodies = bodies;
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
        if (multipart != null && counts.bodies.hasEightBit(part) && (counts.multipartsWithEightBitAsText
                || multipart.getCount() < counts.bodies.delimiterLines(part, type.getParameter("boundary")))) {
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
        if (type.match("multipart/signed") && !convertSigned && MessageNeeds.contentNeedsConversion(part, counts.bodies)) {
            throw new SignedContentException("message is multipart/signed and contains 8-bit content;"
                    + " converting it to 7-bit would break the signature");
        }
        boolean childChanged = false;
        for (int i = 0; i < multipart.getCount(); i++) {
            MimeBodyPart child = (MimeBodyPart) multipart.getBodyPart(i);
            MimeBodyPart headerEnded = counts.bodies.repaired(child);
            if (headerEnded != null) {
                child = headerEnded;
                multipart.removeBodyPart(i);
                multipart.addBodyPart(child, i);
                childChanged = true;
            }
            childChanged |= convertEntity(child, counts);
        }
        Bodies.Tail epilogue = counts.bodies.epilogue(part, type.getParameter("boundary"));
        boolean eightBitAround = sevenBitPreamble(multipart) | (epilogue != null && epilogue.eightBit());
        boolean declaredEightBit = Entities.declaresEightBit(part);
        if (childChanged || eightBitAround) {
            // A parsed part is written from its original bytes until its content is set again.
            String[] contentType = part.getHeader("Content-Type");
            boolean hadEncoding = part.getHeader(Entities.CTE) != null;
            keepPreambleCrlf(multipart);
            part.setContent(epilogue == null ? multipart : new Epilogue(multipart, epilogue.sevenBit()));
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
        if (!counts.bodies.hasEightBit(part) && !Entities.declaresEightBit(part)) {
            return false;
        }
        part.setHeader("Content-Type", "text/plain");
        return convertLeaf(part, new ContentType("text", "plain", null), declaredEncoding, counts);
    }

    /** message/rfc822: the inner message is converted too and the part relabelled 7bit (RFC 2046 section 5.2.1 allows nothing else). */
    private boolean convertEncapsulated(MimePart part, String declaredEncoding, Counts counts)
            throws MessagingException, IOException, SignedContentException {
        ParsedMessage inner = counts.bodies.enclosed(part, declaredEncoding);
        if (inner == null) {
            // Not readable as an enclosed message: its bytes are kept as an attachment.
            return convertLeaf(part, new ContentType("application", "octet-stream", null), declaredEncoding, counts);
        }
        ParsedMessage headerEnded = counts.bodies.repaired(inner);
        boolean innerChanged = headerEnded != null;
        if (innerChanged) {
            inner = headerEnded;
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
        boolean eightBitBytes = counts.bodies.hasEightBit(part);
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
        Bodies.Leaf content = counts.bodies.leaf(part, declaredEncoding);
        String target = text ? "quoted-printable" : "base64";
        if (!content.decodedAsDeclared()) {
            // Not what it says it is: the raw bytes are kept whole, as base64, so nothing is lost.
            target = "base64";
        }
        String[] contentType = part.getHeader("Content-Type");
        part.setDataHandler(new DataHandler(content.source()));
        restore(part, contentType);
        if (text && type.getParameter("charset") == null) {
            // Raw 8-bit text without a charset meant something to its writer; once encoded, readers assume US-ASCII.
            ContentType labelled = new ContentType(type.getBaseType());
            if (type.getParameterList() != null) {
                labelled.setParameterList(type.getParameterList());
            }
            labelled.setParameter("charset", content.validUtf8() ? "utf-8" : "iso-8859-1");
            part.setHeader("Content-Type", labelled.toString());
        }
        part.setHeader(Entities.CTE, target);
        return true;
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
}
