package com.mailroute.mime;

import com.mailroute.message.ByteSearch;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Small facts about one MIME entity (a message or a body part) that both checks and conversion need. */
final class Entities {
    /** Deeper MIME nesting than this is refused rather than walked: no real mail needs it, and recursion has limits. */
    static final int MAX_DEPTH = 50;


    static final String CTE = "Content-Transfer-Encoding";

    private Entities() {
    }

    private static final byte[] CTE_FIELD = "content-transfer-encoding:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int CONTENT_DASH = "content".length();

    /**
     * A cheap text scan: false means no entity can be labelled 8bit or binary. True may also come from text that only
     * looks like such a header (then the MIME structure is parsed to know).
     */
    static boolean mayDeclareEightBit(byte[] message) {
        // This runs for every delivery attempt. The field name has a '-' after "content": only where one stands at that
        // distance from a line start can the field begin, and a search for '-' skips a base64 body at 8 bytes a step.
        for (int dash = 0; (dash = ByteSearch.indexOf(message, dash, message.length, (byte) '-')) >= 0; dash++) {
            int i = dash - CONTENT_DASH;
            if (i >= 0 && (i == 0 || message[i - 1] == '\n') && startsWithIgnoreCase(message, i, CTE_FIELD)) {
                int v = i + CTE_FIELD.length;
                while (v < message.length && (message[v] == ' ' || message[v] == '\t' || message[v] == '\r' || message[v] == '\n')) {
                    v++;
                }
                if (startsWithIgnoreCase(message, v, EIGHT_BIT) || startsWithIgnoreCase(message, v, BINARY)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final byte[] EIGHT_BIT = "8bit".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BINARY = "binary".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** ASCII case-insensitive prefix test; {@code lower} is lower case. */
    private static boolean startsWithIgnoreCase(byte[] b, int at, byte[] lower) {
        if (at + lower.length > b.length) {
            return false;
        }
        for (int k = 0; k < lower.length; k++) {
            int c = b[at + k];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[k]) {
                return false;
            }
        }
        return true;
    }

    /** Any byte >= 0x80; a spooled message is read as a stream. */
    static boolean hasEightBit(com.mailroute.spool.MessageBytes message) {
        if (message.inHeap()) {
            return hasEightBit(message.toByteArray());
        }
        try (InputStream in = message.open()) {
            return ByteScan.hasEightBit(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean hasEightBit(byte[] bytes) {
        return ByteSearch.indexOfNonAscii(bytes, 0, bytes.length) >= 0;
    }

    /** True when a header value, read one byte per char, holds a byte >= 0x80. */
    static boolean hasEightBit(String rawHeaderValue) {
        return rawHeaderValue.chars().anyMatch(c -> c >= 0x80);
    }

    /**
     * An addr-spec that could be a real mailbox (a local part, '@', a domain, nothing a parser left in by mistake:
     * no spaces, brackets, commas) whose local part is not ASCII: only an SMTPUTF8 next hop can take it.
     */
    static boolean isUtf8Mailbox(String addrSpec) {
        if (addrSpec == null) {
            return false;
        }
        int at = addrSpec.lastIndexOf('@');
        if (at <= 0 || addrSpec.chars().anyMatch(c -> c <= ' ' || "<>,;:\"".indexOf(c) >= 0)) {
            return false;
        }
        return !isAscii(addrSpec.substring(0, at));
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /**
     * The declared Content-Transfer-Encoding: its first token in lower case (what readers go by, so junk after it
     * does not count), or null when there is none.
     */
    static String declaredEncoding(MimePart part) throws MessagingException {
        String[] values = part.getHeader(CTE);
        if (values == null) {
            return null;
        }
        java.util.regex.Matcher token = ENCODING_TOKEN.matcher(values[0]);
        return token.lookingAt() ? token.group(1).toLowerCase(Locale.ROOT) : "";
    }

    private static final java.util.regex.Pattern ENCODING_TOKEN = java.util.regex.Pattern.compile("\\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)");

    static boolean declaresEightBit(MimePart part) throws MessagingException {
        String cte = declaredEncoding(part);
        return "8bit".equals(cte) || "binary".equals(cte);
    }

    /**
     * The content type, read leniently when the header is damaged (as readers read it); a header from which not even
     * a type can be made out counts as opaque data (RFC 2045 section 5.2 says text/plain, but bytes are safer as base64).
     */
    static ContentType contentType(MimePart part) throws MessagingException {
        String[] values = part.getHeader("Content-Type");
        if (values == null) {
            return new ContentType(part.getContentType()); // the default Angus gives the entity
        }
        ContentType type = MimeParameters.contentType(HeaderText.decode(values[0], null).text());
        return type != null ? type : new ContentType("application", "octet-stream", null);
    }

    /**
     * The parsed multipart, or null when its structure cannot be read (no boundary parameter and no boundary line,
     * an unparseable Content-Type): such a body is shown by readers as text, and converted as a leaf.
     */
    static MimeMultipart multipart(MimePart part) {
        try {
            Object content = part.getContent();
            if (content instanceof MimeMultipart multipart) {
                multipart.getCount(); // parses now, so a broken structure shows here
                return multipart;
            }
            return null;
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    /** The declared charset, or null when there is none or the header cannot be parsed. */
    static String declaredCharset(MimePart part) {
        try {
            String[] values = part.getHeader("Content-Type");
            ContentType type = values == null ? null : MimeParameters.contentType(values[0]);
            return type == null ? null : type.getParameter("charset");
        } catch (MessagingException e) {
            return null;
        }
    }

    /** The body exactly as it stands in the message, still transfer-encoded. */
    static byte[] rawBody(MimePart part) throws MessagingException, IOException {
        try (InputStream in = rawStream(part)) {
            return in.readAllBytes();
        }
    }

    /** A stream over the body exactly as it stands in the message (a region of the file for a spooled one). */
    static InputStream rawStream(MimePart part) throws MessagingException {
        if (part instanceof MimeMessage message) {
            return message.getRawInputStream();
        } else if (part instanceof MimeBodyPart bodyPart) {
            return bodyPart.getRawInputStream();
        }
        throw new IllegalArgumentException("unsupported part type " + part.getClass());
    }

    /** A header value as read by Angus (one char per byte) back to its original bytes. */
    static byte[] headerBytes(String rawHeaderValue) {
        return rawHeaderValue.getBytes(StandardCharsets.ISO_8859_1);
    }
}
