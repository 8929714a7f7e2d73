package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a pickup file is complete: old enough, and not open for writing in another process (as /proc shows it on Linux). */
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
        PickupReadLock lock = lock(2000);
        Path young = pickup.resolve("young.eml");
        Path old = pickup.resolve("old.eml");
        Files.writeString(young, "Subject: still being written\r\n");
        Files.writeString(old, "Subject: done\r\n\r\nx\r\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(10)));

        assertThat(lock.acquireExclusiveReadLock(null, file(young), null)).isFalse();
        assertThat(lock.acquireExclusiveReadLock(null, file(old), null)).isTrue();
    }

    @Test
    void aFileOpenForWritingShouldBeLeftUntilItsWriterClosesIt() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
        PickupReadLock lock = lock(0);
        Path writing = pickup.resolve("writing.eml");
        Process writer = new ProcessBuilder("bash", "-c", "exec 3>'" + writing + "'; echo ready; read line").start();
        try {
            assertThat(new String(writer.getInputStream().readNBytes(6))).isEqualTo("ready\n");
            assertThat(lock.acquireExclusiveReadLock(null, file(writing), null)).isFalse();
        } finally {
            writer.getOutputStream().close();   // ends `read`, and the writer with it
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        Thread.sleep(600);   // the /proc snapshot is reused for up to half a second
        assertThat(lock.acquireExclusiveReadLock(null, file(writing), null)).isTrue();
    }

    @Test
    void anEmptyFileShouldBeTakenLikeAnyOtherSoThatItIsRefusedNotLeftForever() throws Exception {
        // Camel's "changed" strategy waits for a file of at least one byte, in the poll thread, without end
        PickupReadLock lock = lock(1000);
        Path empty = pickup.resolve("empty.eml");
        Files.createFile(empty);
        Files.setLastModifiedTime(empty, FileTime.from(Instant.now().minusSeconds(10)));

        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> lock.acquireExclusiveReadLock(null, file(empty), null)))
                .isTrue();
    }

    @Test
    void aFileThatHasGoneShouldNotBeTaken() throws Exception {
        assertThat(lock(0).acquireExclusiveReadLock(null, file(pickup.resolve("gone.eml")), null)).isFalse();
    }

    private static PickupReadLock lock(long minAgeMillis) {
        PickupReadLock lock = new PickupReadLock();
        lock.setMinAge(minAgeMillis);
        lock.setMarkerFiler(false);
        return lock;
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
