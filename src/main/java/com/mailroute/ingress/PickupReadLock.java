package com.mailroute.ingress;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.MarkerFileExclusiveReadLockStrategy;

/**
 * When a pickup file is complete. Writers following the IIS convention write the file in place, and may pause
 * between writes: a file is taken when its last write is at least the minimum age ago and (on Linux, where /proc
 * shows it) no other process still has it open for writing. A file that is not ready is left for a later poll:
 * the poll thread never waits for one file, so a file still being written never holds back the others.
 * <p>Which files are open for writing is read from /proc once for many files (at most every
 * {@link #SNAPSHOT_MAX_AGE_NANOS}): reading it costs one pass over every descriptor of every process, far too
 * much to repeat for each of thousands of files dropped at once. /proc shows only this machine's (and
 * container's) processes; a writer elsewhere, on a shared volume, is covered by the minimum age alone.
 * <p>The minimum age is the pickup endpoint's {@code readLockMinAge} in routes/ingress.camel.yaml
 * ({@code mailroute.pickup.min-age-ms}); Camel gives its options only to the strategies it creates itself, so this
 * one copies it when the consumer starts. The marker file ({@code readLockMarkerFile}) is Camel's, so that two
 * relays sharing a folder do not take the same file.
 */
public final class PickupReadLock extends MarkerFileExclusiveReadLockStrategy {
    private static final Path PROC = Path.of("/proc");
    private static final int WRITE_FLAGS = 0b11;   // O_WRONLY | O_RDWR
    private static final long SNAPSHOT_MAX_AGE_NANOS = 500_000_000L;

    private volatile long minAgeMillis;
    private Set<Path> openForWriting = Set.of();
    private Path snapshotFolder;
    private long snapshotAt;

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint) {
        minAgeMillis = endpoint.getReadLockMinAge();
        setMarkerFiler(endpoint.isReadLockMarkerFile());
        setDeleteOrphanLockFiles(endpoint.isReadLockDeleteOrphanLockFiles());
        super.prepareOnStartup(operations, endpoint);
    }

    public long getMinAge() {
        return minAgeMillis;
    }

    public void setMinAge(long millis) {
        this.minAgeMillis = millis;
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange)
            throws Exception {
        return isComplete(file.getFile()) && super.acquireExclusiveReadLock(operations, file, exchange);
    }

    /** Old enough and not open for writing; a file that has gone is not complete. */
    boolean isComplete(File file) {
        long lastModified = file.lastModified();
        if (lastModified == 0 && !file.exists() || lastModified > System.currentTimeMillis() - minAgeMillis) {
            return false;
        }
        Path path = file.toPath().toAbsolutePath().normalize();
        return !filesOpenForWriting(path.getParent()).contains(path);
    }

    private synchronized Set<Path> filesOpenForWriting(Path folder) {
        if (!folder.equals(snapshotFolder) || System.nanoTime() - snapshotAt > SNAPSHOT_MAX_AGE_NANOS) {
            openForWriting = scanOpenForWriting(folder);
            snapshotFolder = folder;
            snapshotAt = System.nanoTime();
        }
        return openForWriting;
    }

    /** The files in {@code folder} another process has open for writing, as /proc shows it; none where there is no /proc. */
    static Set<Path> scanOpenForWriting(Path folder) {
        if (!Files.isDirectory(PROC)) {
            return Set.of();
        }
        Set<Path> written = new HashSet<>();
        String self = String.valueOf(ProcessHandle.current().pid());
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                if (!process.getFileName().toString().equals(self)) {
                    addWrittenFiles(process, folder, written);
                }
            }
        } catch (IOException e) {
            return written;
        }
        return written;
    }

    private static void addWrittenFiles(Path process, Path folder, Set<Path> written) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                Path target = readLink(fd);
                if (target != null && folder.equals(target.getParent()) && writeFlags(process.resolve("fdinfo").resolve(fd.getFileName()))) {
                    written.add(target);
                }
            }
        } catch (IOException | SecurityException e) {
            // A process we may not inspect (or that just ended) cannot be judged; the minimum age still applies.
        }
    }

    private static Path readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean writeFlags(Path fdinfo) {
        try {
            for (String line : Files.readAllLines(fdinfo)) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring(6).strip(), 8) & WRITE_FLAGS) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
