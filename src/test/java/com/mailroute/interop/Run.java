package com.mailroute.interop;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** A token unique to this test run: the peers' Maildirs and dump folders keep mail from earlier runs. */
final class Run {
    static final String ID = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);

    private Run() {
    }

    /** "what-ID", lower case, usable as a local part and a Subject. */
    static String token(String what) {
        return (what + "-" + ID).toLowerCase(Locale.ROOT);
    }
}
