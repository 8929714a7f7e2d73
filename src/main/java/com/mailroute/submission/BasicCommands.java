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
        return List.of(new Helo(server), new Rset(server), new Noop(server), new Quit(server), new Vrfy(server), new Expn(server),
                new Help(server), new Bdat(server));
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

    static final class Noop extends ListenerCommand {
        Noop(SubmissionServer server) {
            super("NOOP", "Do nothing.", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
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

    static final class Vrfy extends ListenerCommand {
        Vrfy(SubmissionServer server) {
            super("VRFY", "Verify an address (not done: a relay cannot know).", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
            reply(session, 252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");
        }
    }

    static final class Expn extends ListenerCommand {
        Expn(SubmissionServer server) {
            super("EXPN", "Not supported.", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
            reply(session, 502, "5.5.1", "EXPN not supported");
        }
    }

    static final class Help extends ListenerCommand {
        Help(SubmissionServer server) {
            super("HELP", "This text.", server);
        }

        @Override
        void run(String line, Session session) throws IOException {
            reply(session, 214, "2.0.0", "MailRoute SMTP submission: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT");
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
