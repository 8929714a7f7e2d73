package com.mailroute.testsupport;

import com.mailroute.spool.Spool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** A spool in a new temporary directory, for tests that build what MailRoute builds with its data/spool. */
public final class TestSpool {
    /** MailRoute's default mailroute.message.spool-threshold. */
    public static final int DEFAULT_HEAP_LIMIT = 512 * 1024;

    private TestSpool() {}

    public static Spool create() {
        return create(DEFAULT_HEAP_LIMIT);
    }

    public static Spool create(int heapLimit) {
        try {
            return new Spool(Files.createTempDirectory("mailroute-test-spool-"), heapLimit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
