package com.mailroute.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "30s, PT30S",
            "5m, PT5M",
            "4h, PT4H",
            "5d, PT120H",
            "500ms, PT0.5S",
            "0, PT0S",
            "0s, PT0S",
            "' 10m ', PT10M",
            "1h30m, PT1H30M",
            "5m12s, PT5M12S"
    })
    void parseShouldReadEveryUnit(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "m", "5 m", "5M", "1.5h", "-5m", "5w", "5min", "ms500", "99999999999999999999d"})
    void parseShouldRejectTextThatIsNotADurationAndNameIt(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration: use a number followed by ms, s, m, h or d");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0", "PT0.5S, 500ms", "PT1.5S, 1s500ms", "PT30S, 30s", "PT90S, 1m30s", "PT5M, 5m", "PT5M12S, 5m12s",
            "PT4H, 4h", "PT120H, 5d", "PT25H, 1d1h", "PT3H5M7S, 3h5m7s"})
    void formatShouldWriteEachNonZeroUnitFromTheLargestDownAndParseShouldReadItBack(String duration, String expected) {
        assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
        assertThat(Durations.parse(expected)).isEqualTo(Duration.parse(duration));
    }

    @org.junit.jupiter.api.Test
    void formatShouldRejectNegativeDurations() {
        assertThatThrownBy(() -> Durations.format(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
