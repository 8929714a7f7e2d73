package com.mailroute.ingress;

import com.mailroute.spool.MessageBytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a pickup file in the IIS convention: leading "x-sender:" and "x-receiver:" lines set the
 * envelope and are removed; the rest is the message.
 */
public final class PickupFileReader {

    /** Envelope lines are looked for in this much of the file's start. */
    private static final int ENVELOPE_LIMIT = 64 * 1024;

    /** The message after the envelope lines: a region of the file, not a copy of it. */
    public Submission read(MessageBytes whole) {
        byte[] file = whole.head(ENVELOPE_LIMIT);
        String sender = null;
        List<String> recipients = new ArrayList<>();
        int pos = 0;
        if (file.length >= 3 && (file[0] & 0xFF) == 0xEF && (file[1] & 0xFF) == 0xBB && (file[2] & 0xFF) == 0xBF) {
            pos = 3;   // a UTF-8 byte order mark written by some Windows tools
        }
        if (startsWith(file, pos, "From ")) {
            pos = skipLineBreak(file, lineEnd(file, pos));   // an mbox "From " separator line is not part of the message
        }
        while (pos < file.length) {
            int end = lineEnd(file, pos);
            String line = new String(file, pos, end - pos, StandardCharsets.UTF_8);
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-sender:")) {
                sender = stripBrackets(line.substring("x-sender:".length()));
            } else if (lower.startsWith("x-receiver:")) {
                Arrays.stream(line.substring("x-receiver:".length()).split(","))
                        .map(PickupFileReader::stripBrackets).filter(s -> !s.isEmpty()).forEach(recipients::add);
            } else {
                break;
            }
            pos = skipLineBreak(file, end);
        }
        MessageBytes message = whole.after(pos);
        return new Submission("pickup", message, sender, recipients.isEmpty() ? null : recipients);
    }

    private static boolean startsWith(byte[] b, int pos, String prefix) {
        if (b.length - pos < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[pos + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String stripBrackets(String s) {
        String t = s.strip();
        return t.startsWith("<") && t.endsWith(">") ? t.substring(1, t.length() - 1).strip() : t;
    }

    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != '\n' && b[i] != '\r') {
            i++;
        }
        return i;
    }

    private static int skipLineBreak(byte[] b, int i) {
        if (i < b.length && b[i] == '\r') {
            i++;
        }
        if (i < b.length && b[i] == '\n') {
            i++;
        }
        return i;
    }
}
