package com.mailroute.submission;

import java.io.IOException;

import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * STARTTLS (RFC 3207). Anything the client sent after the command in plain text is discarded with the
 * plain stream, never read as a command of the encrypted session; afterwards the client starts over with EHLO.
 */
final class StartTlsCommand extends ListenerCommand {
    private static final Logger LOG = LoggerFactory.getLogger(StartTlsCommand.class);

    StartTlsCommand(SubmissionServer server) {
        super("STARTTLS", "Start TLS.", server);
    }

    @Override
    void run(String line, Session session) throws IOException {
        if (!argument(line).isEmpty()) {
            reply(session, 501, "5.5.4", "Syntax: STARTTLS (no parameters)");
            return;
        }
        if (server.tls() == null) {
            reply(session, 454, "4.7.0", "TLS not available: no mailroute.submission.tls.cert configured");
            return;
        }
        if (session.isTLSStarted()) {
            reply(session, 503, "5.5.1", "Error: TLS already active");
            return;
        }
        reply(session, 220, "2.0.0", "Ready to start TLS");
        try {
            SSLSocket tls = server.tls().wrap(session.getSocket());
            tls.startHandshake();
            session.setSocket(tls);
            session.resetSmtpProtocol();
            session.setTlsStarted(true);
        } catch (IOException e) {
            LOG.warn("SMTP STARTTLS with [{}] failed: {}", session.getRemoteAddress().getAddress().getHostAddress(), e.getMessage());
            session.quit();
        }
    }
}
