package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.camel.component.file.GenericFile;
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

    @Test
    void aFileYoungerThanTheMinimumAgeShouldBeLeftForALaterPollNotWaitedFor() throws Exception {
        PickupReadLock lock = new PickupReadLock();
        lock.setMinAge(2000);
        lock.setCheckInterval(500);
        lock.setTimeout(0);   // Camel's own strategy would sleep until the file is old enough, then take it
        lock.setMarkerFiler(false);
        Path young = pickup.resolve("young.eml");
        Path old = pickup.resolve("old.eml");
        Files.writeString(young, "Subject: still being written\r\n");
        Files.writeString(old, "Subject: done\r\n\r\nx\r\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(10)));

        assertThat(lock.acquireExclusiveReadLock(null, file(young), null)).isFalse();
        assertThat(lock.acquireExclusiveReadLock(null, file(old), null)).isTrue();
    }

    private static GenericFile<File> file(Path path) {
        GenericFile<File> f = new GenericFile<>();
        f.setFile(path.toFile());
        f.setAbsoluteFilePath(path.toAbsolutePath().toString());
        f.setFileNameOnly(path.getFileName().toString());
        f.setFileName(path.getFileName().toString());
        return f;
    }
}
