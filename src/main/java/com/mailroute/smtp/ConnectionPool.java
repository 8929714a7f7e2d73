package com.mailroute.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Idle connections per (address, port, host name, TLS policy). A connection is either lent to exactly one delivery or sits here, so
 * concurrent deliveries to one hop each get their own connection.
 */
final class ConnectionPool {

    /** A connection serves only the host name and TLS policy it was opened for (an ENCRYPT host never gets a plain one). */
    private record Key(InetAddress address, int port, String host, TlsPolicy tls) {
    }

    private final Map<Key, Deque<SmtpConnection>> idle = new HashMap<>();
    private final int maxMessagesPerConnection;
    private final Duration maxIdle;

    private final java.util.function.Function<String, TlsPolicy> tlsPolicy;

    ConnectionPool(int maxMessagesPerConnection, Duration maxIdle, java.util.function.Function<String, TlsPolicy> tlsPolicy) {
        this.maxMessagesPerConnection = maxMessagesPerConnection;
        this.maxIdle = maxIdle;
        this.tlsPolicy = tlsPolicy;
    }

    private Key key(com.mailroute.routing.NextHop hop) {
        return new Key(hop.address(), hop.port(), hop.host().toLowerCase(java.util.Locale.ROOT), tlsPolicy.apply(hop.host()));
    }

    /** The most recently used idle connection to this hop that has not been idle too long, or null. */
    SmtpConnection take(com.mailroute.routing.NextHop hop) {
        List<SmtpConnection> stale = new ArrayList<>();
        SmtpConnection found = null;
        synchronized (this) {
            Deque<SmtpConnection> queue = idle.get(key(hop));
            while (queue != null && !queue.isEmpty() && found == null) {
                SmtpConnection c = queue.pollFirst();
                if (c.idleLongerThan(maxIdle)) {
                    stale.add(c);
                } else {
                    found = c;
                }
            }
        }
        stale.forEach(SmtpConnection::quit);
        return found;
    }

    /** Keeps the connection for the next delivery, or closes it when it has carried enough messages. */
    void giveBack(SmtpConnection c) {
        if (c.transactions() >= maxMessagesPerConnection) {
            c.quit();
            return;
        }
        c.markIdle();
        synchronized (this) {
            idle.computeIfAbsent(key(c.hop()), k -> new ArrayDeque<>()).addFirst(c);
        }
    }

    /** Closes connections idle longer than maxIdle (run by the sweeper). */
    void closeIdle() {
        List<SmtpConnection> stale = new ArrayList<>();
        synchronized (this) {
            for (Deque<SmtpConnection> queue : idle.values()) {
                for (Iterator<SmtpConnection> it = queue.iterator(); it.hasNext(); ) {
                    SmtpConnection c = it.next();
                    if (c.idleLongerThan(maxIdle)) {
                        it.remove();
                        stale.add(c);
                    }
                }
            }
        }
        stale.forEach(SmtpConnection::quit);
    }

    void closeAll() {
        List<SmtpConnection> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(SmtpConnection::quit);
    }
}
