package com.mailroute.routing;

/**
 * The next hop for a domain could not be found. {@link #permanent()} tells the delivery code whether
 * to give up (5.x.x, bounce) or retry later (4.x.x); the message is one line naming the domain and
 * what DNS answered, fit for a log line, a dead letter and a DSN.
 */
public class ResolutionException extends Exception {

    private final boolean permanent;
    private final String enhancedStatus;

    public ResolutionException(boolean permanent, String enhancedStatus, String message) {
        super(message);
        this.permanent = permanent;
        this.enhancedStatus = enhancedStatus;
    }

    public boolean permanent() {
        return permanent;
    }

    /** RFC 3463 status, e.g. "5.1.2" (no such domain), "5.1.10" (null MX), "4.4.3" (DNS failure). */
    public String enhancedStatus() {
        return enhancedStatus;
    }
}
