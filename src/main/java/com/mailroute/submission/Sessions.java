package com.mailroute.submission;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * The open client connections: the connection limit, per-connection state, and a shutdown that answers
 * 421 instead of cutting anyone off. A connection idle between commands gets its 421 at once; one in the
 * middle of a command (receiving data, waiting for the broker's commit) finishes it and then gets its 421.
 */
final class Sessions implements SessionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final String hostName;
    private final int maxConnections;
    private final Map<Session, State> open = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** One connection's state beyond SubEthaSMTP's: whether a command runs, how it spoke, failed logins. */
    static final class State {
        private boolean busy;
        private boolean closed;
        boolean esmtp;
        int authFailures;
        boolean relayRefusalLogged;
    }

    Sessions(String hostName, int maxConnections) {
        this.hostName = hostName;
        this.maxConnections = maxConnections;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        if (closing) {
            return SessionAcceptance.failure(421, "4.3.2 " + hostName + " Service shutting down, try again later");
        }
        if (open.size() >= maxConnections) {
            LOG.warn("SMTP connection from [{}] refused: {} connections open (mailroute.submission.max-connections)",
                    session.getRemoteAddress().getAddress().getHostAddress(), open.size());
            return SessionAcceptance.failure(421, "4.7.0 " + hostName + " Too many connections, try again later");
        }
        try {
            // Replies to pipelined commands are small writes in a row: without this, Nagle's algorithm holds each
            // one until the client acknowledges the previous (tens of milliseconds per message).
            session.getSocket().setTcpNoDelay(true);
        } catch (SocketException e) {
            LOG.debug("TCP_NODELAY not set: {}", e.toString());
        }
        open.put(session, new State());
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        open.remove(session);
    }

    State state(Session session) {
        State s = open.get(session);
        return s != null ? s : new State();
    }

    int count() {
        return open.size();
    }

    /** Called before a command runs; false when the connection was already closed by a shutdown. */
    boolean begin(Session session) {
        State s = state(session);
        synchronized (s) {
            if (s.closed) {
                return false;
            }
            s.busy = true;
            return true;
        }
    }

    /** Called after a command ran; answers 421 and closes when a shutdown came meanwhile. */
    void end(Session session) {
        State s = state(session);
        synchronized (s) {
            s.busy = false;
            if (closing && !s.closed) {
                closeWith421(session, s);
            }
        }
    }

    /**
     * Refuses new connections with 421, sends 421 to every idle connection and closes it, and waits up to
     * {@code grace} for busy ones to finish their command (they then get their 421 in {@link #end}).
     */
    void shutDown(Duration grace) {
        closing = true;
        open.forEach((session, s) -> {
            synchronized (s) {
                if (!s.busy && !s.closed) {
                    closeWith421(session, s);
                }
            }
        });
        long deadline = System.nanoTime() + grace.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!open.isEmpty()) {
            LOG.warn("SMTP listener stopping with {} connection(s) still in a command after {}: they are cut off, nothing of theirs was accepted"
                    + " unless they already had their 250", open.size(), com.mailroute.format.Durations.format(grace));
        }
    }

    private void closeWith421(Session session, State s) {
        s.closed = true;
        try {
            session.sendResponse("421 4.3.2 " + hostName + " Service shutting down, closing transmission channel");
        } catch (IOException e) {
            // the client is gone already
        }
        session.quit();
    }
}
