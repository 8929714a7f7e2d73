package com.mailroute.mime;

/**
 * The message is multipart/signed and its signed content would have to change to become 7-bit:
 * converting it would break the signature, so the message is refused (RFC 3463 5.6.3,
 * "conversion required but not supported").
 */
public class SignedContentException extends Exception {

    public SignedContentException(String reason) {
        super(reason);
    }

    /** The enhanced status code a DSN or dead letter should carry. */
    public String enhancedStatus() {
        return "5.6.3";
    }
}
