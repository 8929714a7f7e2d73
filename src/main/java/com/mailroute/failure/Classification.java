package com.mailroute.failure;

import java.util.Objects;

/**
 * The meaning of one delivery outcome.
 *
 * @param verdict        delivered, try again, or give up
 * @param enhancedStatus RFC 3463 status (e.g. "5.1.1"): the server's own when it gave one, else derived
 * @param reason         one line for logs and the dead-letter entry
 */
public record Classification(Verdict verdict, String enhancedStatus, String reason) {

    public Classification {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(enhancedStatus, "enhancedStatus");
        Objects.requireNonNull(reason, "reason");
    }
}
