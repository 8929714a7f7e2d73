package com.mailroute.sanitize;

import com.mailroute.format.MailDates;
import com.mailroute.format.MessageIds;
import com.mailroute.ingress.RejectedException;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Makes a message wire-clean before it is queued: CRLF line ends only, no NUL, no line over 998
 * octets, a header section that ends where Postfix and RFC 5322 readers end it, Date and Message-ID
 * present, Bcc gone, a Received trace field first. Clean input passes byte for byte (DKIM survives);
 * every repair is counted in the report. Only an empty message is refused: whatever else comes in is
 * read as a message the way Postfix would read and relay it.
 */
public final class MessageSanitizer {
    private static final Set<String> WAYS_IN = Set.of("pickup", "jms", "http", "smtp", "internal");

    private final String heloName;
    private final Clock clock;

    public MessageSanitizer(String heloName, Clock clock) {
        this.heloName = requireToken(heloName, "heloName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Where an SMTP client handed the message over, for the Received field's from and with clauses
     * (RFC 5321 4.4): {@code from} as "helo ([address])", {@code with} a protocol such as ESMTPS (RFC 3848).
     */
    public record Origin(String from, String with) {
        public Origin {
            if (from.chars().anyMatch(c -> c < 0x20 || c >= 0x7F) || with.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
                throw new IllegalArgumentException("Received clauses must be printable ASCII: " + from + " / " + with);
            }
        }
    }

    public SanitizedMessage sanitize(byte[] raw, String wayIn, String queueId) {
        return sanitize(raw, wayIn, queueId, null);
    }

    /**
     * @param raw the message bytes after the ingress removed any leading x-sender:/x-receiver: lines
     * @param wayIn "pickup", "jms", "http", "smtp", or "internal" for mail MailRoute itself writes (DSNs, digests)
     * @param queueId the id MailRoute gave this message
     * @param origin the SMTP client's side of the Received field, or null: "from WAYIN ... with WAYIN"
     * @throws RejectedException when the message is empty
     */
    public SanitizedMessage sanitize(byte[] raw, String wayIn, String queueId, Origin origin) {
        if (!WAYS_IN.contains(wayIn)) {
            throw new IllegalArgumentException("wayIn must be one of " + WAYS_IN + ": " + wayIn);
        }
        requireToken(queueId, "queueId");
        if (raw == null || raw.length == 0) {
            throw new RejectedException("message is empty");
        }
        SanitizeReport report = new SanitizeReport();
        byte[] message = LineEndNormalizer.normalize(raw, report);
        int start = 0;
        if (startsWith(message, "From ")) {
            // An mbox separator ("From sender date"): never a header field, since a field name has no space.
            start = HeaderSection.lineEnd(message, 0, message.length) + 1;
            report.add(SanitizeReport.MBOX_FROM);
        }
        HeaderSection headers = HeaderSection.parse(message, start, message.length, report);
        byte[] senderHeader = headers.fieldBytes();
        report.add(SanitizeReport.BCC_REMOVED, headers.removeAll("Bcc"));
        if (!headers.has("Date")) {
            headers.add(HeaderField.of("Date", MailDates.format(clock.instant())));
            report.add(SanitizeReport.DATE_ADDED);
        }
        if (!headers.has("Message-ID")) {
            headers.add(HeaderField.of("Message-ID", MessageIds.create(heloName)));
            report.add(SanitizeReport.MESSAGE_ID_ADDED);
        }
        report.add(SanitizeReport.FOLDED_HEADERS, HeaderFolder.foldLongLines(headers, report));

        LongLineRepair.Repaired repaired = LongLineRepair.repair(headers, message, headers.bodyStart(),
                message.length, "text/plain", report);
        byte[] received = origin == null ? ReceivedHeader.build(wayIn, heloName, queueId, clock)
                : ReceivedHeader.build(origin.from(), origin.with(), heloName, queueId, clock);
        if (report.isClean()) {
            return new SanitizedMessage(concat(received, raw), report, senderHeader);
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + received.length + 1024);
        out.writeBytes(received);
        if (repaired == null) {
            headers.writeTo(out, headers.bodyStart() < message.length);
            out.write(message, headers.bodyStart(), message.length - headers.bodyStart());
        } else {
            LongLineRepair.relabel(headers, repaired);
            if (repaired.newEncoding() != null && !headers.has("MIME-Version")) {
                // Without it, receivers need not honour the new Content-Transfer-Encoding.
                headers.add(HeaderField.of("MIME-Version", "1.0"));
            }
            byte[] body = repaired.body();
            headers.writeTo(out, body.length > 0);
            out.writeBytes(body);
            if (body.length > 0 && !LongLineRepair.endsWithCrLf(body, body.length)) {
                out.writeBytes(new byte[] {'\r', '\n'});
            }
        }
        return new SanitizedMessage(out.toByteArray(), report, senderHeader);
    }

    private static boolean startsWith(byte[] buf, String prefix) {
        if (buf.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** Values that end up inside header fields must not be able to break out of them. */
    private static String requireToken(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 127 || "<>()@;,\"\\".indexOf(c) >= 0) {
                throw new IllegalArgumentException(what + " contains an illegal character: " + value);
            }
        }
        return value;
    }
}
