package com.mailroute.failure;

import com.mailroute.format.MailDates;
import com.mailroute.failure.DsnBuilder.FailedRecipient;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The body of the message/delivery-status part (RFC 3464 section 2): the per-message fields,
 * then one group of per-recipient fields for each recipient, groups separated by blank lines.
 * The part must be 7-bit, so anything outside printable ASCII becomes '?', and a multi-line
 * reply is folded: each further reply line goes on a continuation line starting with spaces.
 */
final class DeliveryStatusFields {

    private static final String CRLF = "\r\n";
    private static final String CONTINUATION = CRLF + "    ";
    // Keeps a folded line far below the 998-octet limit even if a server sends an overlong line.
    private static final int MAX_LINE = 900;

    private DeliveryStatusFields() {
    }

    /**
     * @param retryUntil when the relay stops retrying a delayed recipient, or null when unknown
     */
    static byte[] build(String reportingMta, String queueId, Instant arrival, List<FailedRecipient> recipients,
                        Instant retryUntil) {
        StringBuilder b = new StringBuilder();
        field(b, "Reporting-MTA", "dns; " + ascii(reportingMta));
        field(b, "X-MailRoute-Queue-ID", ascii(queueId));
        field(b, "Arrival-Date", MailDates.format(arrival));
        for (FailedRecipient r : recipients) {
            b.append(CRLF);
            field(b, "Final-Recipient", addressField(r.recipient()));
            field(b, "Action", r.action());
            field(b, "Status", r.status());
            if (r.remoteMta() != null && !r.remoteMta().isBlank()) {
                field(b, "Remote-MTA", "dns; " + ascii(r.remoteMta().strip()));
            }
            if (r.reply() != null) {
                field(b, "Diagnostic-Code", "smtp; " + folded(r.reply().text()));
            } else if (r.diagnosticText() != null && !r.diagnosticText().isBlank()) {
                field(b, "Diagnostic-Code", "X-MailRoute; " + folded(r.diagnosticText()));
            }
            if (r.lastAttempt() != null) {
                field(b, "Last-Attempt-Date", MailDates.format(r.lastAttempt()));
            }
            if (retryUntil != null && r.action().equals("delayed")) {
                field(b, "Will-Retry-Until", MailDates.format(retryUntil));
            }
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * An address field value: "rfc822; addr" for an ASCII address (a non-ASCII domain is
     * written in A-labels), else the RFC 6533 "utf-8" type in its 7-bit xtext form.
     */
    static String addressField(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        if (isAscii(a)) {
            return "rfc822; " + a;
        }
        int at = a.lastIndexOf('@');
        if (at > 0 && isAscii(a.substring(0, at))) {
            try {
                return "rfc822; " + a.substring(0, at) + "@" + IDN.toASCII(a.substring(at + 1));
            } catch (IllegalArgumentException notAnIdn) {
                // fall through to the utf-8 form, which can carry any text
            }
        }
        return "utf-8; " + utf8AddrXtext(a);
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(name).append(": ").append(value).append(CRLF);
    }

    private static String folded(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\r\n|\r|\n")) {
            String clean = ascii(line).strip();
            if (clean.isEmpty()) {
                continue;
            }
            if (clean.length() > MAX_LINE) {
                clean = clean.substring(0, MAX_LINE) + "...";
            }
            b.append(b.length() == 0 ? "" : CONTINUATION).append(clean);
        }
        return b.toString();
    }

    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.append(c == '\t' ? ' ' : c < 0x20 || c > 0x7E ? '?' : (char) c));
        return b.toString();
    }

    // RFC 6533 utf-8-addr-xtext: QCHAR as is, anything else as \x{HEX}.
    private static String utf8AddrXtext(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            boolean qchar = c >= 0x21 && c <= 0x7E && c != '+' && c != '=' && c != '\\';
            b.append(qchar ? String.valueOf((char) c) : "\\x{" + Integer.toHexString(c).toUpperCase() + "}");
        });
        return b.toString();
    }
}
