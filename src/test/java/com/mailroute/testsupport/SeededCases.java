package com.mailroute.testsupport;

import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Property tests in plain JUnit 5: {@code count} generated cases, case i drawing from {@code new Random(seed + i)}.
 * The seed is fixed so a run is reproducible; {@code -Dmailroute.test.seed=N} explores other cases and
 * {@code -Dmailroute.test.cases=1} with a failing case's seed replays only that case. A failure names its seed.
 */
public final class SeededCases {
    /** The seed every property uses unless -Dmailroute.test.seed says otherwise. */
    public static final long DEFAULT_SEED = 20261124L;

    @FunctionalInterface
    public interface Case {
        void check(Random random) throws Throwable;
    }

    private SeededCases() {}

    public static Stream<DynamicTest> of(int count, Case check) {
        long base = Long.getLong("mailroute.test.seed", DEFAULT_SEED);
        int n = Integer.getInteger("mailroute.test.cases", count);
        return LongStream.range(0, n).mapToObj(i -> base + i).map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            try {
                check.check(new Random(seed));
            } catch (Throwable failure) {
                throw new AssertionError("failed for seed " + seed + " (replay: -Dmailroute.test.seed=" + seed
                        + " -Dmailroute.test.cases=1): " + failure.getMessage(), failure);
            }
        }));
    }
}
