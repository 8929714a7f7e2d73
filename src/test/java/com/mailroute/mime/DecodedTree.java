package com.mailroute.mime;

import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A message flattened to its leaves' decoded content, to compare two messages part by part. */
record DecodedTree(List<Leaf> leaves) {

    record Leaf(String path, String contentType, String decoded) {
    }

    private static final Session SESSION = Session.getInstance(new Properties());

    static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(SESSION, new ByteArrayInputStream(message));
    }

    /** Leaves in document order; text is decoded with its declared charset, other content shown as hex. */
    static DecodedTree of(byte[] message) throws Exception {
        List<Leaf> leaves = new ArrayList<>();
        collect(parse(message), "1", leaves);
        return new DecodedTree(leaves);
    }

    /** The subject as a reader sees it: encoded words decoded, raw 8-bit bytes read as UTF-8. */
    static String subject(MimeMessage message) throws Exception {
        String raw = message.getHeader("Subject", null);
        if (raw != null && raw.chars().anyMatch(c -> c >= 0x80)) {
            return MimeUtility.unfold(new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
        return message.getSubject();
    }

    private static void collect(MimePart part, String path, List<Leaf> leaves) throws Exception {
        ContentType type = new ContentType(part.getContentType());
        if (type.match("multipart/*")) {
            MimeMultipart multipart = (MimeMultipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect((MimeBodyPart) multipart.getBodyPart(i), path + "." + (i + 1), leaves);
            }
        } else if (type.match("message/rfc822")) {
            try (InputStream in = part.getInputStream()) {
                MimeMessage inner = new MimeMessage(SESSION, in);
                leaves.add(new Leaf(path + ".subject", "header", subject(inner)));
                collect(inner, path + ".1", leaves);
            }
        } else if (type.match("text/*")) {
            leaves.add(new Leaf(path, type.getBaseType().toLowerCase(), (String) part.getContent()));
        } else {
            try (InputStream in = part.getInputStream()) {
                leaves.add(new Leaf(path, type.getBaseType().toLowerCase(), java.util.HexFormat.of().formatHex(in.readAllBytes())));
            }
        }
    }
}
