package com.mailroute.smtp;

/** Called after EHLO and before MAIL FROM: adapts the message to what the host announced. */
@FunctionalInterface
public interface MessagePreparer {
    PreparedMessage prepare(ServerCapabilities capabilities) throws PolicyRejection;
}
