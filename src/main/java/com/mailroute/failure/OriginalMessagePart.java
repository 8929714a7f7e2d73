package com.mailroute.failure;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The third part of a DSN: the undelivered message as message/rfc822, or only its header
 * section as text/rfc822-headers (RFC 6522).
 *
 * <p>The DSN must stay 7-bit, and a message/rfc822 part may not be base64 or
 * quoted-printable encoded (RFC 2046 5.2.1). So a message that is not 7-bit clean (8-bit
 * bytes, NUL, or lines over 998 octets) is reported with its headers only, even when the
 * whole message was asked for. text/rfc822-headers is a text type and may be encoded, so
 * 8-bit header bytes (an SMTPUTF8 message) are sent quoted-printable.
 */
final class OriginalMessagePart {

    private final byte[] message;

    OriginalMessagePart(byte[] original) {
        this.message = crlf(original);
    }

    /** Whether the whole message will be attached, given what was asked for. */
    boolean attachesWhole(boolean wholeRequested) {
        return wholeRequested && isSevenBitClean(message);
    }

    MimeBodyPart toBodyPart(boolean wholeRequested) throws MessagingException {
        InternetHeaders headers = new InternetHeaders();
        if (attachesWhole(wholeRequested)) {
            headers.setHeader("Content-Type", "message/rfc822");
            headers.setHeader("Content-Description", "Undelivered Message");
            headers.setHeader("Content-Transfer-Encoding", "7bit");
            return new MimeBodyPart(headers, message);
        }
        byte[] section = headerSection(message);
        headers.setHeader("Content-Type", "text/rfc822-headers");
        headers.setHeader("Content-Description", "Undelivered Message Headers");
        if (isSevenBitClean(section)) {
            headers.setHeader("Content-Transfer-Encoding", "7bit");
            return new MimeBodyPart(headers, section);
        }
        headers.setHeader("Content-Transfer-Encoding", "quoted-printable");
        return new MimeBodyPart(headers, quotedPrintable(section));
    }

    /** The header lines, each ending in CRLF, without the blank line that ends the section. */
    private static byte[] headerSection(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                byte[] section = new byte[i + 2];
                System.arraycopy(message, 0, section, 0, i + 2);
                return section;
            }
        }
        return message;
    }

    private static boolean isSevenBitClean(byte[] bytes) {
        int lineLength = 0;
        for (byte b : bytes) {
            if (b <= 0) {
                return false; // NUL or a byte >= 0x80
            }
            lineLength = b == '\n' ? 0 : lineLength + 1;
            if (lineLength > 999) { // 998 octets plus the CR
                return false;
            }
        }
        return true;
    }

    /** Any CR, LF or CRLF line end becomes CRLF, as the DSN around it uses. */
    private static byte[] crlf(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '\r' || b == '\n') {
                out.write('\r');
                out.write('\n');
                if (b == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                    i++;
                }
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] quotedPrintable(byte[] bytes) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 2);
        try (OutputStream qp = MimeUtility.encode(out, "quoted-printable")) {
            qp.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
