package com.mailroute.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;

/**
 * A message's content as a reader sees it, whatever the transfer encoding: one line per entity with
 * its place in the tree, its media type and its decoded text (line ends as LF), descending into
 * multiparts and message/rfc822 attachments. Two messages with equal lists say the same thing.
 */
final class DecodedParts {
    private DecodedParts() {
    }

    static List<String> of(byte[] message) {
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
            List<String> out = new ArrayList<>();
            walk(m, "1", out);
            return out;
        } catch (MessagingException e) {
            throw new IllegalArgumentException("message does not parse: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(Part p, String path, List<String> out) throws MessagingException, IOException {
        ContentType type = new ContentType(p.getContentType());
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (p instanceof MimeMessage msg) {
            out.add(path + " message Subject: " + msg.getSubject());
        }
        if (base.startsWith("multipart/")) {
            Multipart mp = (Multipart) p.getContent();
            out.add(path + " " + base + " (" + mp.getCount() + " parts)");
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                walk(child, path + "." + (i + 1), out);
            }
        } else if (base.equals("message/rfc822")) {
            out.add(path + " message/rfc822");
            walk((MimeMessage) p.getContent(), path + ".1", out);
        } else {
            Object content = p.getContent();
            String text = content instanceof String s ? s : "(" + content.getClass().getSimpleName() + ")";
            out.add(path + " " + base + ": " + text.replace("\r\n", "\n"));
        }
    }
}
