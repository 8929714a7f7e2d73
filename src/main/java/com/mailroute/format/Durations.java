package com.mailroute.format;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in settings and log lines: whole numbers each followed by {@code d}, {@code h}, {@code m},
 * {@code s} or {@code ms} ("30s", "5m", "4h", "5d", "500ms", "1h30m", "5m12s"), or a bare "0". Units are lower case
 * only, so "m" (minutes) is never mistaken for months.
 */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("((\\d+)(ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms"};

    private Durations() {
    }

    /** Parses one duration; throws {@link IllegalArgumentException} naming the text when it is not one. */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (!DURATION.matcher(s).matches()) {
            throw notADuration(text);
        }
        try {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(s);
            while (m.find()) {
                long amount = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
            return total;
        } catch (ArithmeticException | NumberFormatException e) {
            throw notADuration(text);
        }
    }

    /**
     * Writes a duration from its largest unit down, leaving out the units that are zero ("5d", "1h30m", "5m12s",
     * "1s500ms"), so that {@code parse(format(d))} gives {@code d} back; parts below a millisecond are dropped.
     * For a log line, truncate first (e.g. to seconds).
     */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a negative duration (" + d + ") has no settings form");
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            if (ms >= UNIT_MILLIS[i]) {
                b.append(ms / UNIT_MILLIS[i]).append(UNIT_NAMES[i]);
                ms %= UNIT_MILLIS[i];
            }
        }
        return b.toString();
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: use a number followed by ms, s, m, h or d");
    }
}
