package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.message.MailAddress;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;

/**
 * Determines the envelope: the submission's own when it carried one, else Sender/From for the
 * sender and To/Cc/Bcc for the recipients. Every address is validated; duplicates are dropped.
 */
public final class EnvelopeReader {

    /** @param header the message's header fields (the sanitizer's {@code senderHeader}), read for any envelope part the submission lacks */
    public Envelope read(Submission s, byte[] header) {
        InternetHeaders headers = headers(header);
        String sender = s.sender() != null ? s.sender() : headerSender(headers);
        List<String> rawRecipients = s.hasExplicitRecipients() ? s.recipients() : headerRecipients(headers);
        if (rawRecipients.isEmpty()) {
            throw new RejectedException("no recipients: give them in the envelope or in To, Cc or Bcc");
        }
        String validSender = sender.isEmpty() || sender.equals("<>") ? "" : MailAddress.parse(sender).address();
        Set<String> seen = new LinkedHashSet<>();
        List<MailAddress> recipients = new ArrayList<>();
        for (String r : rawRecipients) {
            MailAddress a = MailAddress.parse(r);
            if (seen.add(a.address().toLowerCase(Locale.ROOT))) {
                recipients.add(a);
            }
        }
        return new Envelope(validSender, List.copyOf(recipients));
    }

    static InternetHeaders headers(byte[] raw) {
        try {
            return new InternetHeaders(new ByteArrayInputStream(raw), true);
        } catch (MessagingException e) {
            throw new RejectedException("not a message: the header section cannot be read (" + e.getMessage() + ")");
        }
    }

    private static String headerSender(InternetHeaders h) {
        for (String name : List.of("Sender", "From")) {
            String v = h.getHeader(name, ",");
            if (v != null && !v.isBlank()) {
                List<String> a = addresses(name, v);
                if (!a.isEmpty()) {
                    return a.get(0);
                }
            }
        }
        throw new RejectedException("no sender: give one in the envelope or in a From or Sender header");
    }

    private static List<String> headerRecipients(InternetHeaders h) {
        List<String> all = new ArrayList<>();
        for (String name : List.of("To", "Cc", "Bcc")) {
            String[] values = h.getHeader(name);
            if (values != null) {
                for (String v : values) {
                    all.addAll(addresses(name, v));
                }
            }
        }
        return all;
    }

    private static List<String> addresses(String header, String value) {
        try {
            String unfolded = value.replaceAll("\r?\n[ \t]", " ").replaceAll("[\r\n]", " ");
            List<String> out = new ArrayList<>();
            for (InternetAddress a : InternetAddress.parseHeader(unfolded, false)) {
                if (a.isGroup()) {
                    for (InternetAddress m : a.getGroup(false)) {
                        out.add(m.getAddress());
                    }
                } else if (a.getAddress() != null && !a.getAddress().isBlank()) {
                    out.add(a.getAddress());
                }
            }
            for (String address : out) {
                try {
                    MailAddress.parse(address);
                } catch (RejectedException e) {
                    throw new RejectedException(e.getMessage() + " (in the " + header + " header)");
                }
            }
            return out;
        } catch (AddressException e) {
            throw new RejectedException("the " + header + " header does not hold valid addresses: " + e.getMessage());
        }
    }
}
