package com.mailroute.sanitize;

import com.mailroute.format.MailDates;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/** Builds the RFC 5321 4.4 trace field MailRoute prepends, folded to 78 characters. */
final class ReceivedHeader {
    private static final int PREFERRED_LINE = 78;

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
                MailDates.format(clock.instant())));
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
