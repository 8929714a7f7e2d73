package com.mailroute.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {

    @Test
    void defaultScheduleShouldDoubleAndThenRepeatTheLastDelay() {
        RetrySchedule schedule = RetrySchedule.parse(RetrySchedule.DEFAULT_SPEC);

        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 10; attempt++) {
            delays.add(schedule.nominalDelayAfter(attempt));
        }

        assertThat(delays).containsExactly(
                Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40),
                Duration.ofMinutes(80), Duration.ofMinutes(160), Duration.ofHours(4),
                Duration.ofHours(4), Duration.ofHours(4), Duration.ofHours(4));
    }

    @Test
    void delayAfterShouldStayWithinTenPercentOfTheNominalDelay() {
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofMinutes(10), Duration.ofHours(4)), new Random(42));
        Set<Duration> seen = new HashSet<>();

        for (int i = 0; i < 1000; i++) {
            Duration first = schedule.delayAfter(1);
            Duration later = schedule.delayAfter(7);
            assertThat(first).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(11));
            assertThat(later).isBetween(Duration.ofMinutes(216), Duration.ofMinutes(264));
            seen.add(first);
        }

        assertThat(seen).as("jitter varies the delay").hasSizeGreaterThan(100);
    }

    @Test
    void delayAfterShouldBeReproducibleWithTheSameSeed() {
        List<Duration> delays = List.of(Duration.ofMinutes(5));
        RetrySchedule a = new RetrySchedule(delays, new Random(7));
        RetrySchedule b = new RetrySchedule(delays, new Random(7));

        for (int i = 1; i <= 20; i++) {
            assertThat(a.delayAfter(i)).isEqualTo(b.delayAfter(i));
        }
    }

    @Test
    void delayAfterShouldRejectAttemptsBelowOne() {
        RetrySchedule schedule = RetrySchedule.parse("5m");

        assertThatThrownBy(() -> schedule.delayAfter(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void parseShouldAcceptSpacesAroundElements() {
        RetrySchedule schedule = RetrySchedule.parse(" 30s , 2m ");

        assertThat(schedule.nominalDelayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(schedule.nominalDelayAfter(2)).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5m,x,10m | element 2 'x' is not a duration",
            "5m,,10m | element 2 '' is not a duration",
            "5m,10m, | element 3 '' is not a duration",
            "5m,10 minutes | element 2 '10 minutes' is not a duration",
            "5m,0 | element 2 '0' must be longer than zero"
    })
    void parseShouldRejectABadElementAndNameIt(String spec, String expected) {
        assertThatThrownBy(() -> RetrySchedule.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retry schedule '" + spec + "'")
                .hasMessageContaining(expected);
    }

    @Test
    void parseShouldRejectAnEmptySchedule() {
        assertThatThrownBy(() -> RetrySchedule.parse(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retry schedule is empty");
    }
}
