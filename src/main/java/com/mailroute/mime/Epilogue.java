package com.mailroute.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A rewritten multipart that keeps the original's epilogue (the text after the close delimiter, which Angus
 * drops when it writes a multipart): same boundary, preamble and parts.
 */
final class Epilogue extends MimeMultipart {
    private final Tail epilogue;

    /** The epilogue's bytes as they are written. */
    @FunctionalInterface
    interface Tail {
        void writeTo(OutputStream os) throws IOException;
    }

    Epilogue(MimeMultipart original, byte[] epilogue) throws MessagingException {
        this(original, os -> os.write(epilogue));
    }

    Epilogue(MimeMultipart original, Tail epilogue) throws MessagingException {
        this.contentType = original.getContentType();
        setPreamble(original.getPreamble());
        while (original.getCount() > 0) {
            var part = original.getBodyPart(0);
            original.removeBodyPart(0);
            addBodyPart(part);
        }
        this.epilogue = epilogue;
    }

    @Override
    public synchronized void writeTo(OutputStream os) throws IOException, MessagingException {
        super.writeTo(os);
        epilogue.writeTo(os);
    }

    /**
     * The bytes after the close delimiter line "--boundary--" of a multipart body, or null when there is no close
     * delimiter or nothing after it.
     */
    static byte[] of(byte[] body, String boundary) {
        if (boundary == null) {
            return null;
        }
        byte[] close = ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
        int lineStart = 0;
        while (lineStart < body.length) {
            int lf = lineStart;
            while (lf < body.length && body[lf] != '\n') {
                lf++;
            }
            if (startsWith(body, lineStart, close) && onlyWhitespace(body, lineStart + close.length, lf)) {
                int after = Math.min(body.length, lf + 1);
                return after < body.length ? java.util.Arrays.copyOfRange(body, after, body.length) : null;
            }
            lineStart = lf + 1;
        }
        return null;
    }

    /** How many "--boundary" delimiter lines (not the close delimiter) come before the close delimiter: the number of parts. */
    static int delimiterLines(byte[] body, String boundary) {
        if (boundary == null) {
            return 0;
        }
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int count = 0;
        int lineStart = 0;
        while (lineStart < body.length) {
            int lf = lineStart;
            while (lf < body.length && body[lf] != '\n') {
                lf++;
            }
            if (startsWith(body, lineStart, dash)) {
                int after = lineStart + dash.length;
                if (after + 1 < lf && body[after] == '-' && body[after + 1] == '-' && onlyWhitespace(body, after + 2, lf)) {
                    return count;
                }
                if (onlyWhitespace(body, after, lf)) {
                    count++;
                }
            }
            lineStart = lf + 1;
        }
        return count;
    }

    /** {@link #of} for a body read from a stream: the offset where the epilogue starts, or -1 when there is none. */
    static long offset(InputStream body, String boundary) throws IOException {
        if (boundary == null) {
            return -1;
        }
        byte[] close = ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
        Lines lines = new Lines(body, close.length);
        while (lines.advance()) {
            if (lines.startsWith(close) && lines.blankFrom(close.length)) {
                return lines.endsWithLf && lines.more() ? lines.next : -1;
            }
        }
        return -1;
    }

    /** {@link #delimiterLines(byte[], String)} for a body read from a stream. */
    static int delimiterLines(InputStream body, String boundary) throws IOException {
        if (boundary == null) {
            return 0;
        }
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int after = dash.length;
        Lines lines = new Lines(body, after + 2);
        int count = 0;
        while (lines.advance()) {
            if (lines.startsWith(dash)) {
                if (after + 1 < lines.length && lines.head[after] == '-' && lines.head[after + 1] == '-' && lines.blankFrom(after + 2)) {
                    return count;
                }
                if (lines.blankFrom(after)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Readers never show an epilogue: its 8-bit bytes become '?'. */
    static byte[] sevenBit(byte[] epilogue) {
        byte[] out = epilogue.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0) {
                out[i] = '?';
            }
        }
        return out;
    }

    private static boolean startsWith(byte[] buf, int at, byte[] prefix) {
        if (buf.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean onlyWhitespace(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
