package com.mailroute.submission;

/**
 * Where a received message goes: MailRoute's accept step. Called on the client's connection thread after the
 * data; the reply goes to the client as it is, so a 2xx must mean the message is committed to the broker.
 */
@FunctionalInterface
public interface MessageSink {
    Reply accept(SubmittedMessage message);
}
