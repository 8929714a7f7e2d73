package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.message.MailAddress;
import com.mailroute.format.MessageIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Builds a correct MIME message from the JSON form of POST /api/messages:
 * {"from","to","cc","bcc","subject","text","html","headers"}. UTF-8 throughout,
 * multipart/alternative when both text and html are given, Date and Message-ID added.
 */
public final class JsonMessageBuilder {
    // one Session: Session.getInstance scans every jar for providers, too slow per message
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Set<String> RESERVED_HEADERS = java.util.Set.of("from", "to", "cc", "bcc", "subject", "date",
            "message-id", "mime-version", "content-type", "content-transfer-encoding", "sender", "received");
    private final String heloName;

    public JsonMessageBuilder(String heloName) {
        this.heloName = heloName;
    }

    public Submission build(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new RejectedException("request body is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new RejectedException("request body must be a JSON object with from, to, subject, text or html");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("from", "to", "cc", "bcc", "subject", "text", "html", "headers").contains(f)) {
                throw new RejectedException("unknown field '" + f + "': expected from, to, cc, bcc, subject, text, html, headers");
            }
        }
        String from = text(root, "from");
        if (from == null || from.isBlank()) {
            throw new RejectedException("field 'from' is required");
        }
        List<String> to = list(root, "to");
        List<String> cc = list(root, "cc");
        List<String> bcc = list(root, "bcc");
        List<String> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        if (all.isEmpty()) {
            throw new RejectedException("no recipients: give at least one address in to, cc or bcc");
        }
        String subject = text(root, "subject");
        String plain = text(root, "text");
        String html = text(root, "html");
        noLineBreaks("from", from);
        if (subject != null) {
            noLineBreaks("subject", subject);
        }
        all.forEach(a -> noLineBreaks("to/cc/bcc", a));
        try {
            MimeMessage m = new MimeMessage(SESSION);
            m.setFrom(address("from", from));
            if (!to.isEmpty()) {
                m.setRecipients(Message.RecipientType.TO, addresses("to", to));
            }
            if (!cc.isEmpty()) {
                m.setRecipients(Message.RecipientType.CC, addresses("cc", cc));
            }
            m.setSubject(subject == null ? "" : subject, "UTF-8");
            m.setSentDate(new Date());
            if (plain != null && html != null) {
                MimeMultipart alt = new MimeMultipart("alternative");
                MimeBodyPart t = new MimeBodyPart();
                t.setText(plain, "UTF-8", "plain");
                MimeBodyPart h = new MimeBodyPart();
                h.setText(html, "UTF-8", "html");
                alt.addBodyPart(t);
                alt.addBodyPart(h);
                m.setContent(alt);
            } else if (html != null) {
                m.setText(html, "UTF-8", "html");
            } else {
                m.setText(plain == null ? "" : plain, "UTF-8", "plain");
            }
            JsonNode headers = root.get("headers");
            if (headers != null && !headers.isNull()) {
                if (!headers.isObject()) {
                    throw new RejectedException("field 'headers' must be an object of header name to value");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String name = e.getKey();
                    if (!e.getValue().isTextual()) {
                        throw new RejectedException("header '" + name + "' must have a string value");
                    }
                    String value = e.getValue().asText();
                    if (!name.matches("[!-9;-~]+")) {
                        throw new RejectedException("header name '" + name + "' is not a valid field name");
                    }
                    if (RESERVED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        throw new RejectedException("header '" + name + "' cannot be set through 'headers': it comes from the fields"
                                + " (from, to, cc, bcc, subject, text, html) or is added by MailRoute");
                    }
                    noLineBreaks("header '" + name + "'", value);
                    m.setHeader(name, jakarta.mail.internet.MimeUtility.fold(name.length() + 2,
                            jakarta.mail.internet.MimeUtility.encodeText(value, "UTF-8", null)));
                }
            }
            m.saveChanges();
            m.setHeader("Message-ID", MessageIds.create(heloName));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            List<String> envelopeRecipients = new ArrayList<>();
            for (InternetAddress a : addresses("to/cc/bcc", all)) {
                envelopeRecipients.add(a.getAddress());
            }
            return new Submission("http", out.toByteArray(), address("from", from).getAddress(), envelopeRecipients);
        } catch (MessagingException | IOException e) {
            throw new RejectedException("cannot build a message from this JSON: " + e.getMessage());
        }
    }

    private static void noLineBreaks(String field, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new RejectedException(field + " contains a line break (CR or LF): header injection is refused");
        }
    }

    private static InternetAddress address(String field, String value) throws UnsupportedEncodingException {
        try {
            InternetAddress[] a = InternetAddress.parse(value, false);
            if (a.length != 1) {
                throw new RejectedException("field '" + field + "' must hold exactly one address");
            }
            MailAddress.parse(a[0].getAddress());
            return new InternetAddress(a[0].getAddress(), a[0].getPersonal(), "UTF-8");
        } catch (jakarta.mail.internet.AddressException e) {
            throw new RejectedException("field '" + field + "': '" + value + "' is not an address (" + e.getMessage() + ")");
        }
    }

    private static InternetAddress[] addresses(String field, List<String> values) throws UnsupportedEncodingException {
        InternetAddress[] out = new InternetAddress[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = address(field, values.get(i));
        }
        return out;
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new RejectedException("field '" + field + "' must be a string");
        }
        return n.asText();
    }

    private static List<String> list(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw new RejectedException("field '" + field + "' must be a string or an array of strings");
                }
                out.add(e.asText());
            }
        } else {
            throw new RejectedException("field '" + field + "' must be a string or an array of strings");
        }
        return out;
    }
}
