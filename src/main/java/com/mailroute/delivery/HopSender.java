package com.mailroute.delivery;

import com.mailroute.queue.DeliveryJob;
import com.mailroute.routing.NextHop;
import com.mailroute.smtp.HopResult;

/**
 * Sends one job to one next hop and reports what the host (or MailRoute's own capability check) did per recipient.
 * {@link SmtpHopSender} in production; tests of the settle and fail-over logic give a fake that answers as a host would.
 */
@FunctionalInterface
public interface HopSender {

    /** One attempt; never throws for an SMTP failure: that is in the result, with one entry per job recipient in order. */
    HopResult send(NextHop hop, DeliveryJob job);
}
