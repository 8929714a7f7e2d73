package com.mailroute.delivery;

import java.time.Duration;

/** What delivery reports as it happens, per recipient domain; metrics listen (admin.Metrics). */
public interface DeliveryEvents {

    /** One recipient delivered (2xx after the end of data), {@code sinceAccepted} after it was accepted. */
    void delivered(String domain, Duration sinceAccepted);

    /** A message converted from 8-bit to 7-bit for a next hop without 8BITMIME. */
    void converted(String domain);

    /** One recipient rescheduled after a transient failure. */
    void deferred(String domain);

    /** One recipient failed for good. */
    void bounced(String domain);

    /** One dead letter written. */
    void dead(String domain);
}
