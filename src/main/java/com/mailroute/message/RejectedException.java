package com.mailroute.message;

/** A submission MailRoute refuses to accept; the message says exactly why, for the submitter. */
public class RejectedException extends RuntimeException {
    private final int httpStatus;

    public RejectedException(String reason) {
        this(reason, 400);
    }

    public RejectedException(String reason, int httpStatus) {
        super(reason);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
