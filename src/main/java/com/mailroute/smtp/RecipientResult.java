package com.mailroute.smtp;

/**
 * What decided one recipient in one attempt at one host: the server's reply, the connection breaking down, or
 * MailRoute's own refusal to send the message to this host.
 *
 * @param reply   the server's verbatim reply that decided this recipient (RCPT refusal, DATA or end-of-data reply,
 *                or the 250 after the data when delivered); {@code null} when no reply did: the connection failed
 *                without one ({@link HopResult#hostFailure()} says why) or MailRoute refused ({@code refusal})
 * @param refusal MailRoute's own refusal at stage POLICY (the host's EHLO rules the message out as it is), carried as
 *                itself so nobody mistakes it for a server's reply; {@code null} otherwise
 */
public record RecipientResult(String recipient, boolean delivered, SmtpReply reply, SmtpStage stage, PolicyRejection refusal) {

    public static RecipientResult delivered(String recipient, SmtpReply reply) {
        return new RecipientResult(recipient, true, reply, SmtpStage.END_OF_DATA, null);
    }

    /** Not delivered: {@code reply} is the server's refusal, or null when the connection failed at {@code stage}. */
    public static RecipientResult failed(String recipient, SmtpReply reply, SmtpStage stage) {
        return new RecipientResult(recipient, false, reply, stage, null);
    }

    /** Not sent: MailRoute refused before MAIL FROM. */
    public static RecipientResult refused(String recipient, PolicyRejection refusal) {
        return new RecipientResult(recipient, false, null, SmtpStage.POLICY, refusal);
    }
}
