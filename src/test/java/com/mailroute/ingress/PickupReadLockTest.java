package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pickup files another process still writes, as /proc shows it (Linux). */
class PickupReadLockTest {
    @TempDir
    Path pickup;

    @Test
    void aFileAnotherProcessHoldsOpenForWritingShouldBeSeenAndOneHeldForReadingShouldNot() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
        Path writing = pickup.resolve("writing.eml");
        Path reading = pickup.resolve("reading.eml");
        Files.writeString(reading, "Subject: done\r\n\r\nx\r\n");
        Process writer = new ProcessBuilder("bash", "-c", "exec 3>>'" + writing + "' 4<'" + reading + "'; echo ready; sleep 30").start();
        try {
            assertThat(new String(writer.getInputStream().readNBytes(6))).isEqualTo("ready\n");
            assertThat(PickupReadLock.scanOpenForWriting(pickup.toAbsolutePath())).containsExactly(writing.toAbsolutePath());
        } finally {
            writer.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(PickupReadLock.scanOpenForWriting(pickup.toAbsolutePath())).isEmpty();
    }
}
