package com.mailroute.failure;

import com.mailroute.format.MailDates;
import com.mailroute.failure.DsnBuilder.FailedRecipient;
import java.time.Instant;
import java.util.List;

/**
 * The human-readable first part of a DSN. For every recipient it names the address, the
 * remote host, quotes the remote server's reply verbatim (every line, indented) and says
 * what happens next. Lines end in CRLF.
 */
final class DsnText {

    private static final String CRLF = "\r\n";

    private DsnText() {
    }

    /**
     * @param retryUntil when the relay stops retrying a delayed recipient, or null when unknown
     * @param wholeMessageAttached whether the third part holds the whole message or only its headers
     */
    static String build(String reportingMta, List<FailedRecipient> recipients, Instant retryUntil,
                        boolean wholeMessageAttached) {
        boolean anyFailed = recipients.stream().anyMatch(r -> r.action().equals("failed"));
        StringBuilder b = new StringBuilder();
        b.append("This is the MailRoute mail system at host ").append(reportingMta).append('.').append(CRLF).append(CRLF);
        if (anyFailed) {
            b.append("Your message could not be delivered to one or more recipients.").append(CRLF);
        } else {
            b.append("Your message has not been delivered yet to one or more recipients.").append(CRLF)
                    .append("It is still being retried; you do not need to send it again.").append(CRLF);
        }
        b.append(wholeMessageAttached ? "The message is attached below." : "The message's header section is attached below.")
                .append(CRLF);
        for (FailedRecipient r : recipients) {
            b.append(CRLF);
            b.append('<').append(r.recipient()).append(">: ")
                    .append(r.action().equals("failed") ? "delivery failed" : "delivery delayed")
                    .append(" (status ").append(r.status()).append(')').append(CRLF);
            if (r.remoteMta() != null && !r.remoteMta().isBlank()) {
                b.append("    Remote host: ").append(r.remoteMta().strip()).append(CRLF);
            }
            if (r.reply() != null) {
                b.append("    The remote server replied:").append(CRLF);
                quote(b, r.reply().text());
            } else if (r.diagnosticText() != null && !r.diagnosticText().isBlank()) {
                b.append("    Reason:").append(CRLF);
                quote(b, r.diagnosticText());
            }
            b.append("    ").append(nextStep(r, retryUntil)).append(CRLF);
        }
        return b.toString();
    }

    private static String nextStep(FailedRecipient r, Instant retryUntil) {
        if (r.action().equals("failed")) {
            return "MailRoute has given up on delivering to this recipient.";
        }
        return retryUntil == null
                ? "MailRoute will keep trying and will tell you if it gives up."
                : "MailRoute will keep trying until " + MailDates.format(retryUntil) + ".";
    }

    private static void quote(StringBuilder b, String text) {
        for (String line : text.split("\r\n|\r|\n")) {
            b.append("        ").append(line).append(CRLF);
        }
    }
}
