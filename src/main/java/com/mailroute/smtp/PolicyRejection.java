package com.mailroute.smtp;

/**
 * A permanent refusal decided by MailRoute itself before MAIL FROM, because the host cannot
 * take the message as it is (e.g. 5.6.7 SMTPUTF8 not offered, 5.3.4 message too big).
 */
public class PolicyRejection extends Exception {

    private final String enhancedStatus;

    public PolicyRejection(String enhancedStatus, String reason) {
        super(reason);
        this.enhancedStatus = enhancedStatus;
    }

    public String enhancedStatus() {
        return enhancedStatus;
    }

    /** The rejection written as an SMTP reply (code 554) so it travels like a server's answer. */
    public SmtpReply toReply() {
        return new SmtpReply(554, enhancedStatus, "554 " + enhancedStatus + " " + getMessage());
    }
}
