package com.mailroute.smtp;

/**
 * The message as it will go on the wire to one host.
 *
 * @param bytes             CRLF-clean message bytes (dot-stuffing is done by the client)
 * @param bodyEightBitMime  send BODY=8BITMIME with MAIL FROM
 * @param smtpUtf8          send SMTPUTF8 with MAIL FROM
 * @param note              what was done to fit the host, e.g. "converted 8bit→7bit: 3 parts", or ""
 */
public record PreparedMessage(byte[] bytes, boolean bodyEightBitMime, boolean smtpUtf8, String note) {

    public static PreparedMessage asIs(byte[] bytes) {
        return new PreparedMessage(bytes, false, false, "");
    }
}
