package com.mailroute.smtp;

/**
 * The session with a host broke down: it could not be opened (connect, greeting, EHLO, STARTTLS) or the
 * connection was lost or timed out later in the transaction.
 *
 * @param reply     the server's verbatim reply when it gave one (e.g. a 421 greeting), {@code null} for connection errors
 * @param error     what happened in words, e.g. "connection refused", "timed out after 30s waiting for the greeting",
 *                  "connection dropped after end of data, before the reply: the message may have been delivered"
 * @param permanent true only when the host answered with a 5xx reply
 */
public record HostFailure(SmtpStage stage, SmtpReply reply, String error, boolean permanent) {
}
