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
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;

/**
 * When a pickup file is complete. Writers following the IIS convention write the file in place, and may
 * pause between writes: a file is taken only when its size and time have stopped changing for the check
 * interval, it is older than the minimum age, and (on Linux, where /proc shows it) no other process still
 * has it open for writing. A file younger than the minimum age is left for a later poll, so a file still being
 * written never holds back the others.
 * <p>Which files are open for writing is read from /proc once for many files (at most every
 * {@link #SNAPSHOT_MAX_AGE_NANOS}): reading it costs one pass over every descriptor of every process, far too
 * much to repeat for each of thousands of files dropped at once.
 * <p>Its check interval, minimum age, timeout and the rest come from the pickup endpoint's {@code readLock*}
 * options in routes/ingress.camel.yaml, as they would for Camel's own {@code readLock: changed}: Camel applies
 * them only to the strategies it creates itself, so this one copies them when the consumer starts.
 */
public final class PickupReadLock extends FileChangedExclusiveReadLockStrategy {
    private static final Path PROC = Path.of("/proc");
    private static final int WRITE_FLAGS = 0b11;   // O_WRONLY | O_RDWR
    private static final long SNAPSHOT_MAX_AGE_NANOS = 500_000_000L;

    private Set<Path> openForWriting = Set.of();
    private Path snapshotFolder;
    private long snapshotAt;

    @Override
    public void prepareOnStartup(GenericFileOperations<File> operations, GenericFileEndpoint<File> endpoint) {
        setCheckInterval(endpoint.getReadLockCheckInterval());
        setMinAge(endpoint.getReadLockMinAge());
        setMinLength(endpoint.getReadLockMinLength());
        setTimeout(endpoint.getReadLockTimeout());
        setReadLockLoggingLevel(endpoint.getReadLockLoggingLevel());
        setMarkerFiler(endpoint.isReadLockMarkerFile());
        setDeleteOrphanLockFiles(endpoint.isReadLockDeleteOrphanLockFiles());
        super.prepareOnStartup(operations, endpoint);
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange)
            throws Exception {
        if (getMinAge() > 0 && file.getFile().lastModified() > System.currentTimeMillis() - getMinAge()) {
            // Too young: skipped for this poll and taken by a later one. Camel's strategy would sleep in the poll
            // thread until the file is old enough, holding back every other file of the folder meanwhile.
            return false;
        }
        Path path = file.getFile().toPath().toAbsolutePath().normalize();
        return super.acquireExclusiveReadLock(operations, file, exchange) && !filesOpenForWriting(path.getParent()).contains(path);
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
            // A process we may not inspect (or that just ended) cannot be judged; the size check still applies.
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
