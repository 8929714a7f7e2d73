package com.mailroute.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * On a failed interop test, prints who said what: the relay's dead letters and queue as its API
 * shows them, the peers' own log lines, and the tail of the relay's log.
 */
final class InteropDiagnostics implements TestWatcher {
    private Supplier<RelayProcess> relay = () -> null;
    private final List<PeerLog> peerLogs = new ArrayList<>();

    InteropDiagnostics relay(Supplier<RelayProcess> relay) {
        this.relay = relay;
        return this;
    }

    InteropDiagnostics peerLog(PeerLog log) {
        peerLogs.add(log);
        return this;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        StringBuilder b = new StringBuilder();
        b.append("\n======== interop diagnostics for ").append(context.getDisplayName()).append(" (")
                .append(context.getRequiredTestClass().getSimpleName()).append(")\n");
        RelayProcess r = relay.get();
        if (r != null) {
            if (r.alive()) {
                section(b, "GET /api/dead-letters", () -> RelayProcess.pretty(r.deadLetters()));
                section(b, "GET /api/queue", () -> RelayProcess.pretty(r.getJson("/api/queue")));
            } else {
                b.append("-- relay is not running\n");
            }
        }
        for (PeerLog log : peerLogs) {
            section(b, log.toString() + ", last 30 lines", () -> log.tail(30));
        }
        if (r != null) {
            section(b, "relay log " + r.logFile() + ", last 60 lines", () -> r.logTail(60));
        }
        b.append("======== end of interop diagnostics\n");
        System.err.println(b);
    }

    private static void section(StringBuilder b, String title, Supplier<String> content) {
        b.append("-- ").append(title).append('\n');
        try {
            b.append(content.get()).append('\n');
        } catch (RuntimeException e) {
            b.append("(unavailable: ").append(e).append(")\n");
        }
    }
}
