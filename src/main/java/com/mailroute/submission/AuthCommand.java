package com.mailroute.submission;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.Session;

/**
 * AUTH PLAIN and LOGIN (SubEthaSMTP's SASL handlers), offered only on an encrypted connection. Three
 * failed attempts close the connection; every success and failure is logged with the client's address.
 */
final class AuthCommand extends ListenerCommand {
    private static final Logger LOG = LoggerFactory.getLogger(AuthCommand.class);
    static final int MAX_FAILURES = 3;

    private final AuthenticationHandlerFactory mechanisms;

    AuthCommand(SubmissionServer server) {
        super("AUTH", "Authenticate: AUTH PLAIN|LOGIN [initial-response]", server);
        this.mechanisms = new EasyAuthenticationHandlerFactory((user, password, context) -> {
            if (!server.config().users().verify(user, password)) {
                throw new LoginFailedException();
            }
        });
    }

    @Override
    void run(String line, Session session) throws IOException, DropConnectionException {
        String client = "[" + session.getRemoteAddress().getAddress().getHostAddress() + "]";
        if (server.config().users().isEmpty()) {
            reply(session, 502, "5.5.1", "AUTH not offered: no users configured");
            return;
        }
        if (!session.isTLSStarted()) {
            reply(session, 538, "5.7.11", "Encryption required for requested authentication mechanism: STARTTLS first");
            return;
        }
        if (session.isAuthenticated()) {
            reply(session, 503, "5.5.1", "Error: already authenticated");
            return;
        }
        if (session.isMailTransactionInProgress()) {
            reply(session, 503, "5.5.1", "Error: AUTH not allowed during a mail transaction");
            return;
        }
        String[] words = argument(line).split(" +");
        if (words[0].isEmpty() || words.length > 2) {
            reply(session, 501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
            return;
        }
        if (!mechanisms.getAuthenticationMechanisms().contains(words[0].toUpperCase(Locale.ROOT))) {
            reply(session, 504, "5.5.4", "Unrecognized authentication type: PLAIN or LOGIN");
            return;
        }
        AuthenticationHandler handler = mechanisms.create();
        try {
            Optional<String> challenge = handler.auth(line.strip(), session);
            while (challenge.isPresent()) {
                session.sendResponse(challenge.get().startsWith("334 Ok") ? "334 " : challenge.get());
                String answer = session.getReader().readLine();
                if (answer == null || answer.strip().equals("*")) {
                    reply(session, 501, "5.7.0", "Authentication canceled");
                    return;
                }
                challenge = handler.auth(answer, session);
            }
        } catch (RejectException e) {
            Sessions.State state = server.sessions().state(session);
            state.authFailures++;
            LOG.warn("SMTP AUTH failed for {} user={} ({} of {} attempts): {}", client, handler.getIdentity(), state.authFailures,
                    MAX_FAILURES, e.getMessage());
            if (state.authFailures >= MAX_FAILURES) {
                throw new DropConnectionException(421, "4.7.0 " + server.config().hostName() + " Error: too many failed authentications; closing");
            }
            if (e.getCode() == 535) {
                reply(session, 535, "5.7.8", "Authentication credentials invalid");
            } else {
                reply(session, 501, "5.5.2", e.getMessage());
            }
            return;
        }
        session.setAuthenticationHandler(handler);
        LOG.info("SMTP AUTH {} user={} from {}", words[0].toUpperCase(Locale.ROOT), handler.getIdentity(), client);
        reply(session, 235, "2.7.0", "Authentication successful");
    }
}
