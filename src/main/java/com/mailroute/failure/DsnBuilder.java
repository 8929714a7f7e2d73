package com.mailroute.failure;

import com.mailroute.format.MessageIds;
import com.mailroute.format.MailDates;
import com.mailroute.smtp.SmtpReply;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.net.IDN;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Builds an RFC 3464 delivery status notification: a 7-bit, CRLF message of type
 * multipart/report; report-type=delivery-status (RFC 6522) with three parts: a text for
 * people that quotes the remote server's reply, the machine-readable message/delivery-status,
 * and the original message (or its headers, see {@link OriginalMessagePart}).
 */
public final class DsnBuilder {
    // one Session: Session.getInstance scans every jar for providers, too slow per message
    private static final Session SESSION = Session.getInstance(new Properties());

    /**
     * One recipient to report on.
     *
     * @param recipient      the envelope recipient address
     * @param action         "failed" or "delayed"
     * @param status         RFC 3463 status, e.g. "5.1.1"
     * @param remoteMta      the host that gave the reply, or null when no host was reached
     * @param reply          the remote server's last reply, or null (e.g. a DNS failure)
     * @param diagnosticText what went wrong when there is no reply, e.g. the DNS error; may be null
     * @param lastAttempt    when delivery was last tried, or null
     */
    public record FailedRecipient(String recipient, String action, String status, String remoteMta,
                                  SmtpReply reply, String diagnosticText, Instant lastAttempt) {

        private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

        public FailedRecipient {
            Objects.requireNonNull(recipient, "recipient");
            if (!"failed".equals(action) && !"delayed".equals(action)) {
                throw new IllegalArgumentException("action must be 'failed' or 'delayed', was '" + action + "'");
            }
            if (status == null || !STATUS.matcher(status).matches()) {
                throw new IllegalArgumentException("'" + status + "' is not an RFC 3463 status such as 5.1.1");
            }
        }
    }

    private final String reportingMta;
    private final String postmasterAddress;
    private final Duration maxLifetime;

    /**
     * @param reportingMta      this relay's host name (the HELO name)
     * @param postmasterAddress the DSN's From: address, e.g. "MAILER-DAEMON@" + reportingMta
     */
    public DsnBuilder(String reportingMta, String postmasterAddress) {
        this(reportingMta, postmasterAddress, null);
    }

    /**
     * @param maxLifetime {@code mailroute.queue.max-lifetime}, so that a "delayed" notice can say
     *                    until when delivery will be retried; null when unknown
     */
    public DsnBuilder(String reportingMta, String postmasterAddress, Duration maxLifetime) {
        this.reportingMta = Objects.requireNonNull(reportingMta, "reportingMta");
        this.postmasterAddress = Objects.requireNonNull(postmasterAddress, "postmasterAddress");
        this.maxLifetime = maxLifetime;
    }

    /**
     * Returns the complete DSN, addressed to {@code originalSender}.
     *
     * @throws IllegalArgumentException for the null sender ("" or "<>"): a DSN is never sent
     *                                  about a message that was itself a bounce, so bounces cannot loop;
     *                                  also when there are no recipients, or when the sender has a
     *                                  non-ASCII local part (a 7-bit DSN cannot be addressed to it)
     */
    public byte[] build(String originalSender, String queueId, Instant arrival, List<FailedRecipient> recipients,
                        byte[] originalMessage, boolean includeWholeMessage) {
        if (originalSender == null || originalSender.isBlank() || originalSender.strip().equals("<>")) {
            throw new IllegalArgumentException("no DSN is sent to the null sender: a bounce about a bounce could loop");
        }
        if (recipients == null || recipients.isEmpty()) {
            throw new IllegalArgumentException("a DSN needs at least one recipient to report on");
        }
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(originalMessage, "originalMessage");
        Instant retryUntil = maxLifetime == null ? null : arrival.plus(maxLifetime);
        boolean anyFailed = recipients.stream().anyMatch(r -> r.action().equals("failed"));
        OriginalMessagePart original = new OriginalMessagePart(originalMessage);
        try {
            MimeMessage dsn = new DsnMessage(SESSION,
                    MessageIds.create(reportingMta));
            dsn.setFrom(new InternetAddress(postmasterAddress, "Mail Delivery System", "us-ascii"));
            dsn.setRecipient(Message.RecipientType.TO, new InternetAddress(asciiAddress(originalSender)));
            dsn.setSubject(anyFailed ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)");
            dsn.setHeader("Date", MailDates.format(Instant.now()));
            dsn.setHeader("Auto-Submitted", "auto-replied");

            MimeMultipart report = new ReportMultipart();
            report.addBodyPart(textPart(DsnText.build(reportingMta, recipients, retryUntil,
                    original.attachesWhole(includeWholeMessage))));
            report.addBodyPart(deliveryStatusPart(
                    DeliveryStatusFields.build(reportingMta, queueId, arrival, recipients, retryUntil)));
            report.addBodyPart(original.toBodyPart(includeWholeMessage));
            dsn.setContent(report);
            dsn.saveChanges();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            dsn.writeTo(out);
            return out.toByteArray();
        } catch (AddressException e) {
            throw new IllegalArgumentException("sender '" + originalSender + "' is not an address: " + e.getMessage(), e);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new IllegalStateException("could not build the DSN for queue id " + queueId + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MimeBodyPart textPart(String text) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        // UTF-8 only when a reply or address needs it; Angus then picks quoted-printable or base64.
        part.setText(text, DeliveryStatusFields.isAscii(text) ? "us-ascii" : "utf-8");
        part.setDescription("Notification");
        return part;
    }

    private static MimeBodyPart deliveryStatusPart(byte[] fields) throws MessagingException {
        InternetHeaders headers = new InternetHeaders();
        headers.setHeader("Content-Type", "message/delivery-status");
        headers.setHeader("Content-Description", "Delivery report");
        headers.setHeader("Content-Transfer-Encoding", "7bit");
        return new MimeBodyPart(headers, fields);
    }

    /** The address in a form a 7-bit header can hold: brackets removed, domain in A-labels. */
    private static String asciiAddress(String address) throws AddressException {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        int at = a.lastIndexOf('@');
        String local = at < 0 ? a : a.substring(0, at);
        if (!DeliveryStatusFields.isAscii(local)) {
            throw new IllegalArgumentException("sender '" + a + "' has a non-ASCII local part: a 7-bit DSN cannot be addressed to it");
        }
        return at < 0 ? a : local + "@" + IDN.toASCII(a.substring(at + 1));
    }

    /** multipart/report with the report-type parameter RFC 6522 requires. */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() throws MessagingException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", "delivery-status");
            contentType = type.toString();
        }
    }

    /**
     * Sets our own Message-ID: Angus's default asks the system for the local host name,
     * which can mean a DNS lookup through the system resolver.
     */
    private static final class DsnMessage extends MimeMessage {
        private final String messageId;

        DsnMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
