package com.mailroute.ingress;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;

/**
 * When a pickup file is complete. Writers following the IIS convention write the file in place, and may
 * pause between writes: a file is taken only when its size and time have stopped changing for the check
 * interval, it is older than the minimum age, and (on Linux, where /proc shows it) no other process still
 * has it open for writing.
 */
public final class PickupReadLock extends FileChangedExclusiveReadLockStrategy {
    private static final Path PROC = Path.of("/proc");
    private static final int WRITE_FLAGS = 0b11;   // O_WRONLY | O_RDWR

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange)
            throws Exception {
        return super.acquireExclusiveReadLock(operations, file, exchange) && !openForWriting(file.getFile().toPath());
    }

    static boolean openForWriting(Path file) {
        if (!Files.isDirectory(PROC)) {
            return false;
        }
        Path target = file.toAbsolutePath().normalize();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                if (!process.getFileName().toString().equals(String.valueOf(self)) && writes(process, target)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean writes(Path process, Path target) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                if (target.equals(readLink(fd)) && writeFlags(process.resolve("fdinfo").resolve(fd.getFileName()))) {
                    return true;
                }
            }
        } catch (IOException | SecurityException e) {
            // A process we may not inspect (or that just ended) cannot be judged; the size check still applies.
        }
        return false;
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
