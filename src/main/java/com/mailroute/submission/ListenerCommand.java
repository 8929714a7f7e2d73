package com.mailroute.submission;

import java.io.IOException;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * A command of the listener, replacing SubEthaSMTP's own so every reply carries an enhanced status code
 * and the policy is applied; a command marks its connection busy while it runs, so a shutdown lets it finish.
 */
abstract class ListenerCommand extends BaseCommand {
    protected final SubmissionServer server;

    ListenerCommand(String verb, String help, SubmissionServer server) {
        super(verb, help);
        this.server = server;
    }

    @Override
    public final void execute(String line, Session session) throws IOException, DropConnectionException {
        if (!server.sessions().begin(session)) {
            return;
        }
        try {
            run(line, session);
        } finally {
            server.sessions().end(session);
        }
    }

    abstract void run(String line, Session session) throws IOException, DropConnectionException;

    static void reply(Session session, int code, String status, String text) throws IOException {
        session.sendResponse(new Reply(code, status, text).toString());
    }

    /** Everything after the verb, e.g. "FROM:<a@example.com>" of "MAIL FROM:<a@example.com>". */
    static String argument(String line) {
        String s = line.strip();
        int space = s.indexOf(' ');
        return space < 0 ? "" : s.substring(space + 1).strip();
    }

    static Transaction transaction(Session session) {
        return session.isMailTransactionInProgress() ? (Transaction) session.getMessageHandler() : null;
    }
}
