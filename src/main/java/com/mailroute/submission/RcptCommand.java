package com.mailroute.submission;

import java.io.IOException;

import com.mailroute.message.MailAddress;
import com.mailroute.message.RejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * RCPT TO:&lt;recipient&gt;. The relay policy is applied here: a client that is neither on loopback, nor in
 * mailroute.submission.networks, nor authenticated gets 554 5.7.1 for every recipient. A recipient with bad
 * syntax is refused alone; the others of the transaction stay accepted.
 */
final class RcptCommand extends ListenerCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RcptCommand.class);

    RcptCommand(SubmissionServer server) {
        super("RCPT", "Specifies a recipient: RCPT TO:<address>", server);
    }

    @Override
    void run(String line, Session session) throws IOException {
        Transaction tx = transaction(session);
        if (tx == null) {
            reply(session, 503, "5.5.1", "Error: need MAIL command");
            return;
        }
        SmtpArguments args;
        try {
            args = SmtpArguments.parse(argument(line), "TO:");
        } catch (SmtpArguments.SyntaxException e) {
            reply(session, 501, "5.5.4", "Syntax: RCPT TO:<address>: " + e.getMessage());
            return;
        }
        if (!args.parameters().isEmpty()) {
            reply(session, 555, "5.5.4", "Unsupported option: " + args.parameters().keySet().iterator().next());
            return;
        }
        String recipient = args.address();
        if (!server.mayRelay(session)) {
            Sessions.State state = server.sessions().state(session);
            if (!state.relayRefusalLogged) {
                state.relayRefusalLogged = true;
                LOG.warn("SMTP relay refused for [{}] helo={}: not on loopback, not in mailroute.submission.networks, not authenticated"
                        + " (first refused recipient <{}>)", session.getRemoteAddress().getAddress().getHostAddress(),
                        session.getHelo().orElse("(none)"), recipient);
            }
            reply(session, 554, "5.7.1", "<" + recipient + ">: Relay access denied: authenticate first (AUTH after STARTTLS)");
            return;
        }
        if (recipient.isEmpty()) {
            reply(session, 553, "5.1.3", "Bad recipient address syntax: <> is not a recipient");
            return;
        }
        if (!tx.smtpUtf8 && recipient.chars().anyMatch(c -> c >= 0x80)) {
            reply(session, 553, "5.6.7", "<" + recipient + ">: an address with non-ASCII characters needs the SMTPUTF8 parameter on MAIL");
            return;
        }
        MailAddress address;
        try {
            address = MailAddress.parse(recipient);
        } catch (RejectedException e) {
            reply(session, 553, "5.1.3", "Bad recipient address syntax: " + e.getMessage());
            return;
        }
        if (tx.recipients.size() >= server.config().maxRecipients()) {
            reply(session, 452, "4.5.3", "Error: too many recipients (at most " + server.config().maxRecipients() + " per message)");
            return;
        }
        tx.recipients.add(address.address());
        session.addRecipient(address.address());
        reply(session, 250, "2.1.5", "Ok");
    }
}
