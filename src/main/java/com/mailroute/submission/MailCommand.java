package com.mailroute.submission;

import java.util.regex.Pattern;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import com.mailroute.message.MailAddress;
import com.mailroute.message.RejectedException;
import org.subethamail.smtp.server.Session;

/** MAIL FROM:&lt;sender&gt; with SIZE, BODY, SMTPUTF8 and AUTH parameters; the sender is validated as every way in does. */
final class MailCommand extends ListenerCommand {
    private static final Pattern SIZE_VALUE = Pattern.compile("\\d{1,19}");

    MailCommand(SubmissionServer server) {
        super("MAIL", "Specifies the sender: MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]", server);
    }

    @Override
    void run(String line, Session session) throws IOException {
        if (session.isMailTransactionInProgress()) {
            reply(session, 503, "5.5.1", "Error: nested MAIL command");
            return;
        }
        SmtpArguments args;
        try {
            args = SmtpArguments.parse(argument(line), "FROM:");
        } catch (SmtpArguments.SyntaxException e) {
            reply(session, 501, "5.5.4", "Syntax: MAIL FROM:<address>: " + e.getMessage());
            return;
        }
        boolean smtpUtf8 = false;
        for (Map.Entry<String, String> p : args.parameters().entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (value == null || !SIZE_VALUE.matcher(value).matches()) {
                        reply(session, 501, "5.5.4", "Bad SIZE parameter");
                        return;
                    }
                    if (Long.parseLong(value) > server.config().maxMessageSize()) {
                        reply(session, 552, "5.3.4", "Message size exceeds fixed maximum message size (" + server.config().maxMessageSize()
                                + " bytes)");
                        return;
                    }
                }
                case "BODY" -> {
                    String body = value == null ? "" : value.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        reply(session, 555, "5.5.4", "Unsupported BODY type '" + value + "': 7BIT or 8BITMIME");
                        return;
                    }
                }
                case "SMTPUTF8" -> smtpUtf8 = true;
                case "AUTH" -> {
                    // RFC 4954 5: the identity a relaying client vouches for; not needed for anything here.
                }
                default -> {
                    reply(session, 555, "5.5.4", "Unsupported option: " + p.getKey());
                    return;
                }
            }
        }
        String sender = args.address();
        if (!sender.isEmpty()) {
            if (!smtpUtf8 && sender.chars().anyMatch(c -> c >= 0x80)) {
                reply(session, 553, "5.6.7", "<" + sender + ">: an address with non-ASCII characters needs the SMTPUTF8 parameter");
                return;
            }
            try {
                sender = MailAddress.parse(sender).address();
            } catch (RejectedException e) {
                reply(session, 553, "5.1.7", "Bad sender address syntax: " + e.getMessage());
                return;
            }
        }
        session.startMailTransaction();
        Transaction tx = transaction(session);
        tx.sender = sender;
        tx.smtpUtf8 = smtpUtf8;
        reply(session, 250, "2.1.0", "Ok");
    }
}
