package com.mailroute.smtp;

/** The connection to a host broke down; carries the evidence as a {@link HostFailure}. */
final class SessionFailure extends Exception {

    private final HostFailure failure;

    SessionFailure(HostFailure failure, Throwable cause) {
        super(failure.error(), cause);
        this.failure = failure;
    }

    HostFailure failure() {
        return failure;
    }

    SmtpStage stage() {
        return failure.stage();
    }
}
