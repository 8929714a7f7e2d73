package com.mailroute.mime;

/** An address header holds a mailbox with a non-ASCII local part: no 7-bit form exists (RFC 6532), only SMTPUTF8 carries it. */
final class NeedsSmtpUtf8Exception extends IllegalArgumentException {

    NeedsSmtpUtf8Exception(String reason) {
        super(reason);
    }
}
