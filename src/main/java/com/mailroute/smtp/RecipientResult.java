package com.mailroute.smtp;

/**
 * What happened to one recipient in one attempt.
 *
 * @param reply the server's verbatim reply that decided this recipient (RCPT refusal, DATA or end-of-data reply,
 *              or the 250 after the data when delivered); a 554 built from the {@link PolicyRejection} at stage POLICY;
 *              {@code null} when the connection failed without a reply: then {@link HopResult#hostFailure()} says why
 */
public record RecipientResult(String recipient, boolean delivered, SmtpReply reply, SmtpStage stage) {

    static RecipientResult delivered(String recipient, SmtpReply reply) {
        return new RecipientResult(recipient, true, reply, SmtpStage.END_OF_DATA);
    }

    static RecipientResult failed(String recipient, SmtpReply reply, SmtpStage stage) {
        return new RecipientResult(recipient, false, reply, stage);
    }
}
