package com.mailroute.sanitize;

/**
 * The wire-clean message (Received header first), what had to change to get there, and the header
 * fields as the sender wrote them (line ends repaired, Bcc still there, the header section ending where
 * the sanitizer ended it): the envelope is read from these, so it agrees with the message that is sent.
 */
public record SanitizedMessage(byte[] bytes, SanitizeReport report, byte[] senderHeader) {}
