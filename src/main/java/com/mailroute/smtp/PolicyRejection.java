package com.mailroute.smtp;

/**
 * A permanent refusal decided by MailRoute itself before MAIL FROM, because the host cannot
 * take the message as it is (e.g. 5.6.7 SMTPUTF8 not offered, 5.3.4 message too big). Thrown by a
 * {@link MessagePreparer}, then carried to delivery as itself on each {@link RecipientResult}: it is not a server's
 * reply and never travels as one.
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

    /** The reason in words, naming the host and what it lacks; a dead letter's and a DSN's reason. */
    public String reason() {
        return getMessage();
    }
}
