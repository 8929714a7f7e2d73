package com.mailroute.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * A message parsed from bytes that is written back without {@link #saveChanges()}: saving would
 * give it a new Message-ID and Date, and add a Content-Transfer-Encoding header to every untouched
 * part. Whoever changes a part sets that part's headers itself.
 */
final class ParsedMessage extends MimeMessage {

    // Plain defaults: no allowutf8, so 8-bit header bytes are read one byte per char (ISO-8859-1).
    static final Session SESSION = Session.getInstance(new Properties());

    ParsedMessage(InputStream in) throws MessagingException {
        super(SESSION, in);
    }

    static ParsedMessage parse(byte[] message) {
        try {
            return new ParsedMessage(new ByteArrayInputStream(message));
        } catch (MessagingException e) {
            throw new IllegalArgumentException("message cannot be parsed as MIME: " + e.getMessage(), e);
        }
    }

    /** Marks the message so that writeTo emits its current parts, as they are, without saving. */
    ParsedMessage readyToWrite() {
        modified = true;
        saved = true;
        return this;
    }

    byte[] toBytes() throws MessagingException {
        readyToWrite();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Keeps the original Message-ID should anything call saveChanges(). */
    @Override
    protected void updateMessageID() {
    }
}
