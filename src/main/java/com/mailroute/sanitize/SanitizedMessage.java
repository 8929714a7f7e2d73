package com.mailroute.sanitize;

import com.mailroute.spool.MessageBytes;

/**
 * The wire-clean message (Received header first), what had to change to get there, and the header
 * fields as the sender wrote them (line ends repaired, Bcc still there, the header section ending where
 * the sanitizer ended it): the envelope is read from these, so it agrees with the message that is sent.
 *
 * <p>{@code bytes} of a clean message are the Received field before a view of the raw message, not a copy. Those of
 * a repaired one are the sanitizer's own (in the heap, a spool file, or a repaired header section before a region of
 * the raw message). Either way, releasing them deletes the sanitizer's spool file, if any, and never the raw message:
 * that stays its owner's (the way in) to release.
 */
public record SanitizedMessage(MessageBytes bytes, SanitizeReport report, byte[] senderHeader) {}
