package com.mailroute.sanitize;

import com.mailroute.format.MailDates;
import com.mailroute.format.MessageIds;
import com.mailroute.message.RejectedException;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Makes a message wire-clean before it is queued: CRLF line ends only, no NUL, no line over 998
 * octets, a header section that ends where Postfix and RFC 5322 readers end it, Date and Message-ID
 * present, Bcc gone, a Received trace field first. Clean input passes byte for byte (DKIM survives);
 * every repair is counted in the report. Only an empty message is refused: whatever else comes in is
 * read as a message the way Postfix would read and relay it.
 *
 * <p>A message in the heap (or no larger than the spool threshold) is repaired in the heap. A larger
 * one is repaired by {@link SpooledRepair} in bounded memory with the same rules and, but for a header
 * section past {@link HeaderSection#SPOOLED_HEADER_LIMIT}, the same bytes.
 */
public final class MessageSanitizer {
    private static final Set<String> WAYS_IN = Set.of("pickup", "jms", "http", "smtp", "internal");

    private final String heloName;
    private final Clock clock;
    private final Spool spool;

    /** @param spool where repaired copies of large messages are written */
    public MessageSanitizer(String heloName, Clock clock, Spool spool) {
        this.heloName = requireToken(heloName, "heloName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.spool = Objects.requireNonNull(spool, "spool");
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

    public SanitizedMessage sanitize(MessageBytes raw, String wayIn, String queueId) {
        return sanitize(raw, wayIn, queueId, null);
    }

    /**
     * @param raw the message bytes after the ingress removed any leading x-sender:/x-receiver: lines; still the
     *     caller's (the result may share them: see {@link SanitizedMessage})
     * @param wayIn "pickup", "jms", "http", "smtp", or "internal" for mail MailRoute itself writes (DSNs, digests)
     * @param queueId the id MailRoute gave this message
     * @param origin the SMTP client's side of the Received field, or null: "from WAYIN ... with WAYIN"
     * @throws RejectedException when the message is empty
     */
    public SanitizedMessage sanitize(MessageBytes raw, String wayIn, String queueId, Origin origin) {
        if (!WAYS_IN.contains(wayIn)) {
            throw new IllegalArgumentException("wayIn must be one of " + WAYS_IN + ": " + wayIn);
        }
        requireToken(queueId, "queueId");
        if (raw == null || raw.size() == 0) {
            throw new RejectedException("message is empty");
        }
        byte[] received = origin == null ? ReceivedHeader.build(wayIn, heloName, queueId, clock)
                : ReceivedHeader.build(origin.from(), origin.with(), heloName, queueId, clock);
        if (raw.inHeap() || raw.size() <= spool.heapLimit()) {
            return sanitizeInHeap(raw.toByteArray(), received);
        }
        return new SpooledRepair(this, spool).sanitize(raw, received);
    }

    private SanitizedMessage sanitizeInHeap(byte[] raw, byte[] received) {
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
        fixHeaders(headers, report);

        LongLineRepair.Repaired repaired = HeaderFolder.hasLongLine(message, headers.bodyStart(), message.length)
                ? new LongLineRepair(ByteBuffer.wrap(message), BodyBuffer.HEAP, report)
                        .repair(headers, headers.bodyStart(), message.length, "text/plain")
                : null;
        if (report.isClean()) {
            return new SanitizedMessage(MessageBytes.concat(received, MessageBytes.of(raw)), report, senderHeader);
        }

        if (repaired == null) {
            // Only the header section changed (most often a Date or Message-ID added): the body is copied once,
            // straight into the result, rather than into a buffer and again out of it.
            int bodyStart = headers.bodyStart();
            ByteArrayOutputStream top = new ByteArrayOutputStream(received.length + bodyStart + 256);
            top.writeBytes(received);
            headers.writeTo(top, bodyStart < message.length);
            return new SanitizedMessage(MessageBytes.concat(top.toByteArray(), message, bodyStart), report, senderHeader);
        }
        relabel(headers, repaired);
        byte[] body = repaired.body().toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + received.length + 1024);
        out.writeBytes(received);
        headers.writeTo(out, body.length > 0);
        out.writeBytes(body);
        if (body.length > 0 && !LongLineRepair.endsWithCrLf(body, body.length)) {
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return new SanitizedMessage(MessageBytes.of(out.toByteArray()), report, senderHeader);
    }

    /** The header repairs every message gets: Bcc removed, Date and Message-ID added when missing, long lines folded. */
    void fixHeaders(HeaderSection headers, SanitizeReport report) {
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
    }

    /** Labels the top-level entity with its repaired body's type and encoding. */
    static void relabel(HeaderSection headers, LongLineRepair.Repaired repaired) {
        LongLineRepair.relabel(headers, repaired);
        if (repaired.newEncoding() != null && !headers.has("MIME-Version")) {
            // Without it, receivers need not honour the new Content-Transfer-Encoding.
            headers.add(HeaderField.of("MIME-Version", "1.0"));
        }
    }

    static boolean startsWith(byte[] buf, String prefix) {
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
