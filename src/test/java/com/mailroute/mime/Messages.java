package com.mailroute.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Builds raw test messages: lines joined with CRLF, each line's text in the charset given. */
final class Messages {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Messages message() {
        return new Messages();
    }

    Messages line(String text) {
        return line(text, StandardCharsets.UTF_8);
    }

    Messages line(String text, Charset charset) {
        out.writeBytes(text.getBytes(charset));
        out.writeBytes(new byte[] {'\r', '\n'});
        return this;
    }

    Messages bytes(byte[] raw) {
        out.writeBytes(raw);
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }

    /** The standard top of a test message, before its MIME headers. */
    Messages envelopeHeaders(String subject) {
        return line("From: Alice <alice@example.com>")
                .line("To: Bob <bob@example.org>")
                .line("Subject: " + subject)
                .line("Message-ID: <orig-1234@example.com>")
                .line("Date: Mon, 23 Nov 2026 10:00:00 +0000")
                .line("MIME-Version: 1.0");
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
