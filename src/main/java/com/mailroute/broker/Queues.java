package com.mailroute.broker;

import java.util.List;

/** The queue names other parts and operators rely on (DESIGN.md contracts). */
public final class Queues {
    public static final String SUBMIT = "mailroute.submit";
    public static final String OUTBOUND = "mailroute.outbound";
    public static final String DEAD = "mailroute.dead";
    public static final String REJECTED = "mailroute.rejected";
    public static final List<String> ALL = List.of(SUBMIT, OUTBOUND, DEAD, REJECTED);

    private Queues() {
    }
}
