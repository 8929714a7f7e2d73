package com.mailroute.failure;

import com.mailroute.format.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * How long to wait before the next delivery attempt ({@code mailroute.retry.schedule}):
 * the Nth value is the delay after the Nth failed attempt, and the last value repeats.
 * Each delay gets up to +/-10% jitter so that jobs that failed together (a whole domain
 * down) do not all come back in the same second.
 */
public final class RetrySchedule {

    /** The schedule used when the setting is not given. */
    public static final String DEFAULT_SPEC = "5m,10m,20m,40m,80m,160m,4h";

    private static final double JITTER = 0.10;

    private final List<Duration> delays;
    private final Random random;

    public RetrySchedule(List<Duration> delays, Random random) {
        if (delays == null || delays.isEmpty()) {
            throw new IllegalArgumentException("a retry schedule needs at least one delay");
        }
        for (Duration delay : delays) {
            if (delay == null || delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("retry delay " + delay + " must be longer than zero");
            }
        }
        this.delays = List.copyOf(delays);
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The delays as configured, without jitter. */
    public List<Duration> delays() {
        return delays;
    }

    /**
     * Parses a comma-separated list of durations such as {@link #DEFAULT_SPEC}; throws
     * {@link IllegalArgumentException} naming the position and text of a bad element.
     */
    public static RetrySchedule parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("retry schedule is empty: give delays such as '" + DEFAULT_SPEC + "'");
        }
        String[] elements = spec.split(",", -1);
        List<Duration> delays = new ArrayList<>(elements.length);
        for (int i = 0; i < elements.length; i++) {
            String element = elements[i].strip();
            String where = "retry schedule '" + spec + "': element " + (i + 1) + " '" + element + "'";
            Duration delay;
            try {
                delay = Durations.parse(element);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " is not a duration: use a number followed by ms, s, m, h or d");
            }
            if (delay.isZero()) {
                throw new IllegalArgumentException(where + " must be longer than zero");
            }
            delays.add(delay);
        }
        return new RetrySchedule(delays, new Random());
    }

    /** The delay to wait after {@code failedAttempts} failures (1 = after the first), with jitter. */
    public Duration delayAfter(int failedAttempts) {
        long nominal = nominalDelayAfter(failedAttempts).toMillis();
        double factor = 1 + (random.nextDouble() * 2 - 1) * JITTER;
        return Duration.ofMillis(Math.round(nominal * factor));
    }

    /** The configured delay after {@code failedAttempts} failures, without jitter. */
    public Duration nominalDelayAfter(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, was " + failedAttempts);
        }
        return delays.get(Math.min(failedAttempts, delays.size()) - 1);
    }
}
