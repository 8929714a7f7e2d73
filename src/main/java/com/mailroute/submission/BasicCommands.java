package com.mailroute.submission;

import java.io.IOException;
import java.util.List;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.server.Session;

/** The one-line commands: HELO, RSET, NOOP, QUIT, VRFY, EXPN, HELP, and BDAT refused (CHUNKING is not offered). */
final class BasicCommands {
    private BasicCommands() {
    }

    static List<ListenerCommand> all(SubmissionServer server) {
        return List.of(new Helo(server), new Rset(server), new Quit(server), new Bdat(server),
                new FixedReply("NOOP", "Do nothing.", server, 250, "2.0.0", "Ok"),
                new FixedReply("VRFY", "Verify an address (not done: a relay cannot know).", server, 252, "2.5.2",
                        "Cannot VRFY user, but will accept message and attempt delivery"),
                new FixedReply("EXPN", "Not supported.", server, 502, "5.5.1", "EXPN not supported"),
                new FixedReply("HELP", "This text.", server, 214, "2.0.0",
                        "MailRoute SMTP submission: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT"));
    }

    static final class Helo extends ListenerCommand {
        Helo(SubmissionServer server) {
            super("HELO", "Introduce yourself.", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
            String name = argument(line);
            if (name.isEmpty() || name.contains(" ")) {
                reply(session, 501, "5.5.4", "Syntax: HELO hostname");
                return;
            }
            session.resetMailTransaction();
            session.setHelo(name);
            server.sessions().state(session).esmtp = false;
            session.sendResponse("250 " + server.config().hostName());
        }
    }

    static final class Rset extends ListenerCommand {
        Rset(SubmissionServer server) {
            super("RSET", "Abort the current mail transaction.", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
            session.resetMailTransaction();
            reply(session, 250, "2.0.0", "Ok");
        }
    }

    static final class Quit extends ListenerCommand {
        Quit(SubmissionServer server) {
            super("QUIT", "Close the connection.", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
            reply(session, 221, "2.0.0", "Bye");
            session.quit();
        }
    }

    /** A command whose answer never changes. */
    static final class FixedReply extends ListenerCommand {
        private final int code;
        private final String status;
        private final String text;

        FixedReply(String verb, String help, SubmissionServer server, int code, String status, String text) {
            super(verb, help, server);
            this.code = code;
            this.status = status;
            this.text = text;
        }

        @Override
        void run(String line, Session session) throws IOException {
            reply(session, code, status, text);
        }
    }

    /** The chunk after BDAT would otherwise be read as commands: refuse and close. */
    static final class Bdat extends ListenerCommand {
        Bdat(SubmissionServer server) {
            super("BDAT", "Not supported: use DATA.", server);
        }

        @Override
        void run(String line, Session session) throws DropConnectionException {
            throw new DropConnectionException(502, "5.5.1 BDAT is not offered (no CHUNKING in EHLO); use DATA. Closing");
        }
    }
}
