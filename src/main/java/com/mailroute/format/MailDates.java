package com.mailroute.format;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** RFC 5322 date-time text ("Tue, 3 Nov 2026 10:15:00 +0000"), always in UTC, for Date: and DSN date fields. */
public final class MailDates {

    private static final DateTimeFormatter RFC_5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private MailDates() {
    }

    public static String format(Instant instant) {
        return RFC_5322.format(instant);
    }
}
