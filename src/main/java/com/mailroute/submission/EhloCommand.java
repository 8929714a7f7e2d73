package com.mailroute.submission;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.subethamail.smtp.server.Session;

/**
 * EHLO: the extensions offered. STARTTLS only while the connection is plain; AUTH only once it is encrypted
 * and when users are configured. No CHUNKING, DSN or BINARYMIME.
 */
final class EhloCommand extends ListenerCommand {

    EhloCommand(SubmissionServer server) {
        super("EHLO", "Introduce yourself.", server);
    }

    @Override
    void run(String line, Session session) throws IOException {
        String name = argument(line);
        if (name.isEmpty() || name.contains(" ")) {
            reply(session, 501, "5.5.4", "Syntax: EHLO hostname");
            return;
        }
        session.resetMailTransaction();
        session.setHelo(name);
        server.sessions().state(session).esmtp = true;
        List<String> lines = new ArrayList<>();
        lines.add(server.config().hostName());
        lines.add("PIPELINING");
        lines.add("SIZE " + server.config().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        if (server.tls() != null && !session.isTLSStarted()) {
            lines.add("STARTTLS");
        }
        if (server.authOffered(session)) {
            lines.add("AUTH PLAIN LOGIN");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(i == 0 ? "" : "\r\n").append(i == lines.size() - 1 ? "250 " : "250-").append(lines.get(i));
        }
        session.sendResponse(b.toString());
    }
}
