package com.mailroute.mime;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;

import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;

/** What a message needs from the next hop's EHLO: 8BITMIME, SMTPUTF8, or a signature left alone. */
public final class MessageNeeds {

    private final boolean eightBit;
    private final boolean smtpUtf8;
    private final boolean signed;

    private MessageNeeds(boolean eightBit, boolean smtpUtf8, boolean signed) {
        this.eightBit = eightBit;
        this.smtpUtf8 = smtpUtf8;
        this.signed = signed;
    }

    /**
     * What a message needs from the next hop. A spooled message is scanned as a stream and parsed from its file
     * (headers read, contents left in the file); {@code spool} holds what must be decoded to be read (an enclosed
     * message in base64), deleted before this returns.
     */
    public static MessageNeeds of(MessageBytes message, String envelopeSender, List<String> envelopeRecipients, Spool spool) {
        if (message.inHeap()) {
            return of(message.toByteArray(), envelopeSender, envelopeRecipients);
        }
        boolean envelopeUtf8 = envelopeUtf8(envelopeSender, envelopeRecipients);
        ByteScan.Scan scan = ByteScan.scan(message);
        if (!scan.eightBit() && !scan.mayDeclareEightBit()) {
            return new MessageNeeds(false, envelopeUtf8, false);
        }
        try (SpooledBodies bodies = new SpooledBodies(spool)) {
            Walk walk = new Walk(bodies);
            try {
                walk.visit(bodies.parse(message));
            } catch (MessagingException e) {
                throw new IllegalArgumentException("message cannot be parsed as MIME: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new MessageNeeds(scan.eightBit() || walk.declaredEightBit, envelopeUtf8 || walk.utf8LocalPart, walk.signedNeedsConversion);
        }
    }

    private static boolean envelopeUtf8(String envelopeSender, List<String> envelopeRecipients) {
        return hasUtf8LocalPart(envelopeSender) || envelopeRecipients.stream().anyMatch(MessageNeeds::hasUtf8LocalPart);
    }

    /** What a message in the heap needs from the next hop (the hot path: most mail is small and 7-bit). */
    static MessageNeeds of(byte[] message, String envelopeSender, List<String> envelopeRecipients) {
        boolean envelopeUtf8 = envelopeUtf8(envelopeSender, envelopeRecipients);
        if (!Entities.hasEightBit(message) && !Entities.mayDeclareEightBit(message)) {
            // Most mail: pure 7-bit with no 8bit/binary label has no 8-bit part, no UTF-8 header address and nothing
            // signed to convert, so the MIME structure need not be parsed on every delivery attempt.
            return new MessageNeeds(false, envelopeUtf8, false);
        }
        Walk walk = new Walk(HeapBodies.INSTANCE);
        try {
            walk.visit(ParsedMessage.parse(message));
        } catch (MessagingException e) {
            throw new IllegalArgumentException("message cannot be parsed as MIME: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MessageNeeds(Entities.hasEightBit(message) || walk.declaredEightBit,
                envelopeUtf8 || walk.utf8LocalPart, walk.signedNeedsConversion);
    }

    /** Any part declared 8bit/binary, or any byte >= 0x80 anywhere (headers or body). */
    public boolean eightBit() {
        return eightBit;
    }

    /** A non-ASCII local part in the envelope or an address header: only an SMTPUTF8 server can take it. */
    public boolean smtpUtf8() {
        return smtpUtf8;
    }

    /** A multipart/signed part (top-level or nested) whose content would need conversion. */
    public boolean signed() {
        return signed;
    }

    @Override
    public String toString() {
        return "MessageNeeds[eightBit=" + eightBit + ", smtpUtf8=" + smtpUtf8 + ", signed=" + signed + "]";
    }

    static boolean declaresEightBitAnywhere(byte[] message) {
        return of(message, "", List.of()).eightBit;
    }

    /** True when a multipart's content, headers of nested parts included, holds 8-bit bytes or an 8bit/binary label. */
    static boolean contentNeedsConversion(MimePart multipartEntity, Bodies bodies) throws MessagingException, IOException {
        if (bodies.hasEightBit(multipartEntity)) {
            return true;
        }
        Walk walk = new Walk(bodies);
        MimeMultipart multipart = Entities.multipart(multipartEntity);
        for (int i = 0; multipart != null && i < multipart.getCount(); i++) {
            walk.visit((MimeBodyPart) multipart.getBodyPart(i));
        }
        return walk.declaredEightBit;
    }

    private static boolean hasUtf8LocalPart(String address) {
        if (address == null) {
            return false;
        }
        int at = address.lastIndexOf('@');
        return !Entities.isAscii(at < 0 ? address : address.substring(0, at));
    }

    /** One pass over every entity: 8bit/binary labels, non-ASCII local parts, signed content. */
    private static final class Walk {
        boolean declaredEightBit;
        boolean utf8LocalPart;
        boolean signedNeedsConversion;
        int depth;
        final Bodies bodies;

        Walk(Bodies bodies) {
            this.bodies = bodies;
        }

        void visit(MimePart part) throws MessagingException, IOException {
            if (++depth > Entities.MAX_DEPTH) {
                throw new IllegalArgumentException("MIME structure nested deeper than " + Entities.MAX_DEPTH + " levels");
            }
            try {
                visitEntity(part);
            } finally {
                depth--;
            }
        }

        private void visitEntity(MimePart part) throws MessagingException, IOException {
            declaredEightBit |= Entities.declaresEightBit(part);
            for (Header header : Collections.list(part.getAllHeaders())) {
                if (HeaderEncoder.isAddressHeader(header.getName()) && Entities.hasEightBit(header.getValue())) {
                    utf8LocalPart |= hasUtf8LocalPart(HeaderText.decode(header.getValue(), null).text());
                }
            }
            visitBody(part, Entities.contentType(part));
        }

        void visitBody(MimePart part, ContentType type) throws MessagingException, IOException {
            if (type.match("multipart/*")) {
                if (type.match("multipart/signed") && !signedNeedsConversion) {
                    signedNeedsConversion = contentNeedsConversion(part, bodies);
                }
                MimeMultipart multipart = Entities.multipart(part);
                for (int i = 0; multipart != null && i < multipart.getCount(); i++) {
                    visit((MimeBodyPart) multipart.getBodyPart(i));
                }
            } else if (type.match("message/rfc822")) {
                ParsedMessage inner;
                try {
                    inner = bodies.enclosed(part);
                } catch (IOException | MessagingException unreadable) {
                    return; // converted as an attachment: nothing inside it is read
                }
                visit(inner);
            }
        }

        private static boolean hasUtf8LocalPart(String addressList) {
            try {
                for (InternetAddress address : InternetAddress.parseHeader(addressList, false)) {
                    InternetAddress[] members = address.isGroup() ? address.getGroup(false) : new InternetAddress[] {address};
                    for (InternetAddress member : members) {
                        if (Entities.isUtf8Mailbox(member.getAddress())) {
                            return true;
                        }
                    }
                }
                return false;
            } catch (AddressException e) {
                // Unparseable: no mailbox a next hop would have to carry (the converter keeps the text as encoded words).
                return false;
            }
        }
    }
}
