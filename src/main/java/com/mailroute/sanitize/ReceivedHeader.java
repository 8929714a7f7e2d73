package com.mailroute.sanitize;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Builds the RFC 5321 4.4 trace field MailRoute prepends, folded to 78 characters. */
final class ReceivedHeader {
    private static final int PREFERRED_LINE = 78;
    static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private ReceivedHeader() {}

    static byte[] build(String wayIn, String heloName, String queueId, Clock clock) {
        return build(wayIn, wayIn, heloName, queueId, clock);
    }

    /** {@code from} may hold several words ("app.example.com ([192.0.2.7])"); it is folded between them. */
    static byte[] build(String from, String with, String heloName, String queueId, Clock clock) {
        List<String> words = new java.util.ArrayList<>();
        String[] fromWords = from.split(" ");
        words.add("from " + fromWords[0]);
        words.addAll(List.of(fromWords).subList(1, fromWords.length));
        words.addAll(List.of("by " + heloName, "(MailRoute)", "with " + with, "id " + queueId + ";",
                RFC5322_DATE.format(ZonedDateTime.now(clock))));
        StringBuilder field = new StringBuilder("Received:");
        int lineLength = field.length();
        for (String word : words) {
            if (lineLength + 1 + word.length() > PREFERRED_LINE) {
                field.append("\r\n\t").append(word);
                lineLength = 1 + word.length();
            } else {
                field.append(' ').append(word);
                lineLength += 1 + word.length();
            }
        }
        return field.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
