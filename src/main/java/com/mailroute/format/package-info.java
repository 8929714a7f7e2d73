/**
 * How MailRoute writes (and reads) the small values that appear in settings, header fields and log lines: durations,
 * RFC 5322 dates, Message-IDs, one-line log text. Depends on nothing else of MailRoute, so every package may use it.
 */
package com.mailroute.format;
