package com.mailroute.failure;

/** What a delivery attempt's outcome means for the job. */
public enum Verdict {
    /** The server took responsibility for the message. */
    DELIVERED,
    /** Try again later, following the retry schedule. */
    TRANSIENT,
    /** Do not try again: dead letter and DSN. */
    PERMANENT
}
