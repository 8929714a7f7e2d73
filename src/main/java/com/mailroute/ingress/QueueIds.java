package com.mailroute.ingress;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Short, unique, log-friendly queue ids (like Postfix's), e.g. 019A7F3C2B-4E1D. */
public final class QueueIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private QueueIds() {
    }

    public static String next() {
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        return Long.toHexString(System.currentTimeMillis()).toUpperCase() + HexFormat.of().withUpperCase().formatHex(r);
    }
}
