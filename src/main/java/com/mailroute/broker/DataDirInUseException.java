package com.mailroute.broker;

import java.nio.file.Path;

/** The data folder's journal belongs to another running MailRoute: this one must not start its broker on it. */
public final class DataDirInUseException extends IllegalStateException {
    private final Path dataDir;

    public DataDirInUseException(Path dataDir, String message) {
        super(message);
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }
}
