package com.mailroute.ingress;

import com.mailroute.queue.JobQueue;
import com.mailroute.spool.HeapBudget;

/** What went wrong when a message could not be accepted for a reason other than the message itself. */
final class AcceptFailure {
    private AcceptFailure() {
    }

    /** The innermost cause a person can act on, as "Type: message" (wrappers such as CamelExecutionException skipped). */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** True when the broker could not take the message: nothing is wrong with the message, it will go once the broker is back. */
    static boolean brokerUnavailable(Throwable e) {
        return causedBy(e, JobQueue.BrokerUnavailableException.class) || causedBy(e, jakarta.jms.JMSException.class);
    }

    /** True when the heap was too busy with other messages to take this one now. */
    static boolean heapFull(Throwable e) {
        return causedBy(e, HeapBudget.HeapFullException.class);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
