package com.mailroute.smtp;

import com.mailroute.spool.MessageBytes;

/**
 * The message as it will go on the wire to one host.
 *
 * @param bytes             CRLF-clean message bytes (dot-stuffing is done by the client)
 * @param bodyEightBitMime  send BODY=8BITMIME with MAIL FROM
 * @param smtpUtf8          send SMTPUTF8 with MAIL FROM
 * @param note              what was done to fit the host, e.g. "converted 8bit→7bit: 3 parts", or ""
 * @param scratch           a copy made for this host only (a converted spooled message), deleted by {@link SmtpClient}
 *                          once the transaction is over; null when {@code bytes} are (or wrap) the queued message
 */
public record PreparedMessage(MessageBytes bytes, boolean bodyEightBitMime, boolean smtpUtf8, String note, MessageBytes scratch) {

    /** Bytes that are the queued message, or that need no cleanup. */
    public PreparedMessage(MessageBytes bytes, boolean bodyEightBitMime, boolean smtpUtf8, String note) {
        this(bytes, bodyEightBitMime, smtpUtf8, note, null);
    }

    /** The same message with other bytes (a signature field in front), keeping the scratch copy to release. */
    public PreparedMessage withBytes(MessageBytes other) {
        return new PreparedMessage(other, bodyEightBitMime, smtpUtf8, note, scratch);
    }

    /** Deletes the scratch copy, if any: after sending, or when a preparer refuses the message it has just converted. */
    public void releaseScratch() {
        if (scratch != null) {
            scratch.release();
        }
    }
}
