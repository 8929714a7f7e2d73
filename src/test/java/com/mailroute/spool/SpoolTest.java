package com.mailroute.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(MessageBytes m) throws Exception {
        try (InputStream in = m.open()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aMessageUpToTheLimitShouldStayInTheHeapAndLeaveNoFile() throws Exception {
        Spool spool = new Spool(dir, 1024);
        MessageBytes m = spool.read(new ByteArrayInputStream(random(1024, 1)), 10_000);

        assertThat(m.inHeap()).isTrue();
        assertThat(m.toByteArray()).isEqualTo(random(1024, 1));
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void aMessageOverTheLimitShouldGoToAFileReadableManyTimesAndDeletedOnRelease() throws Exception {
        Spool spool = new Spool(dir, 1024);
        byte[] data = random(300_000, 2);
        MessageBytes m = spool.read(new ByteArrayInputStream(data), 1_000_000);

        assertThat(m.inHeap()).isFalse();
        assertThat(m.size()).isEqualTo(300_000);
        assertThat(readAll(m)).isEqualTo(data);
        assertThat(readAll(m)).as("a second read starts again").isEqualTo(data);
        assertThat(m.head(10)).isEqualTo(java.util.Arrays.copyOf(data, 10));
        m.release();
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void moreThanTheMaximumShouldBeRefusedAndLeaveNoFile() {
        Spool spool = new Spool(dir, 1024);
        assertThatThrownBy(() -> spool.read(new ByteArrayInputStream(random(5000, 3)), 4096))
                .isInstanceOf(Spool.TooLargeException.class).hasMessage("larger than 4096 bytes");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void afterShouldShareTheFileAndReleasingTheRegionShouldNotDeleteIt() throws Exception {
        Spool spool = new Spool(dir, 16);
        MessageBytes m = spool.read(new ByteArrayInputStream("x-sender: a@b\r\nSubject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)), 1000);
        MessageBytes rest = m.after(15);

        assertThat(new String(readAll(rest), StandardCharsets.US_ASCII)).isEqualTo("Subject: s\r\n\r\nbody\r\n");
        assertThat(rest.size()).isEqualTo(m.size() - 15);
        rest.release();
        assertThat(readAll(m)).hasSize((int) m.size());
        m.release();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void concatShouldPutTheHeadBeforeASpooledMessageWithoutCopyingIt() throws Exception {
        Spool spool = new Spool(dir, 16);
        byte[] data = random(100_000, 4);
        MessageBytes m = spool.read(new ByteArrayInputStream(data), 1_000_000);
        MessageBytes joined = MessageBytes.concat("Received: x\r\n".getBytes(StandardCharsets.US_ASCII), m);

        assertThat(joined.inHeap()).isFalse();
        assertThat(joined.size()).isEqualTo(13 + 100_000);
        byte[] all = readAll(joined);
        assertThat(new String(all, 0, 13, StandardCharsets.US_ASCII)).isEqualTo("Received: x\r\n");
        assertThat(java.util.Arrays.copyOfRange(all, 13, all.length)).isEqualTo(data);
        assertThat(readAll(joined.after(13))).isEqualTo(data);
        joined.release();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void toFileShouldCopyOnlyWhatIsNotAlreadyAFile() throws Exception {
        Spool spool = new Spool(dir, 16);
        MessageBytes onDisk = spool.read(new ByteArrayInputStream(random(1000, 5)), 10_000);
        assertThat(spool.toFile(onDisk)).isSameAs(onDisk);

        FileBytes copy = spool.toFile(MessageBytes.of(random(10, 6)));
        assertThat(Files.readAllBytes(copy.file())).isEqualTo(random(10, 6));
        copy.release();
        onDisk.release();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void clearLeftoversShouldDeleteSpoolFilesAndScratchFilesInSubdirectoriesOnly() throws Exception {
        Spool spool = new Spool(dir, 16);
        spool.read(new ByteArrayInputStream(random(1000, 7)), 10_000);   // never released: a crash
        Files.createDirectories(dir.resolve("camel"));
        Files.writeString(dir.resolve("camel/cos123.tmp"), "Camel's stream cache, left by the crash");
        Files.writeString(dir.resolve("keep.txt"), "not ours");

        assertThat(new Spool(dir, 16).clearLeftovers()).isEqualTo(2);
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("keep.txt", "camel");
        assertThat(dir.resolve("camel").toFile().list()).isEmpty();
    }
}
