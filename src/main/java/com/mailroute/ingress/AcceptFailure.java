package com.mailroute.ingress;

import com.mailroute.queue.JobQueue;

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
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JobQueue.BrokerUnavailableException || t instanceof jakarta.jms.JMSException) {
                return true;
            }
        }
        return false;
    }
}
