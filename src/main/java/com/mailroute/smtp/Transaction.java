package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MAIL FROM / RCPT TO / DATA exchange on an open connection, with a result per recipient. Once run, it also
 * tells whether the connection can carry another message.
 */
final class Transaction {

    private final SmtpConnection connection;
    private final boolean reused;
    private final String mailFrom;
    private final List<String> recipients;
    private final PreparedMessage message;
    private final Map<String, RecipientResult> results = new LinkedHashMap<>();
    private boolean connectionUsable;
    private final NextHop hop;

    /**
     * @param hop the next hop this delivery was for (a pooled connection may have been opened for another domain with
     *            the same host: the result names this one, with its own MX preference)
     * @param reused true when the connection already carried an earlier delivery (pooled)
     */
    Transaction(NextHop hop, SmtpConnection connection, boolean reused, String mailFrom, List<String> recipients, PreparedMessage message) {
        this.hop = hop;
        this.connection = connection;
        this.reused = reused;
        this.mailFrom = mailFrom;
        this.recipients = recipients;
        this.message = message;
    }

    /** False when the server closed the session, the connection broke, or RSET failed: quit it, do not pool it. */
    boolean connectionUsable() {
        return connectionUsable;
    }

    HopResult run() {
        try {
            connection.countTransaction();
            SmtpReply mail = connection.command(SmtpStage.MAIL, mailFromCommand(message));
            if (!mail.isPositive()) {
                failRemaining(mail, SmtpStage.MAIL);
                return finishWithRset(mail);
            }
            List<String> accepted = new ArrayList<>();
            SmtpReply lastRefusal = null;
            for (String recipient : recipients) {
                SmtpReply rcpt = connection.command(SmtpStage.RCPT, "RCPT TO:<" + recipient + ">");
                if (rcpt.isPositive()) {
                    accepted.add(recipient);
                } else {
                    results.put(recipient, RecipientResult.failed(recipient, rcpt, SmtpStage.RCPT));
                    lastRefusal = rcpt;
                    if (rcpt.code() == 421) {
                        // The server is closing the session: the remaining recipients carry its reply, not "connection lost".
                        failRemaining(rcpt, SmtpStage.RCPT);
                        return result(null, false);
                    }
                }
            }
            if (accepted.isEmpty()) {
                return finishWithRset(lastRefusal);
            }
            SmtpReply end = connection.sendData(message.bytes());
            if (end.isPositive()) {
                accepted.forEach(r -> results.put(r, RecipientResult.delivered(r, end)));
            } else {
                failRemaining(end, connection.stage());
            }
            return result(null, end.code() != 421);
        } catch (SessionFailure f) {
            failRemaining(null, f.stage());
            return result(f.failure(), false);
        }
    }

    private String mailFromCommand(PreparedMessage message) {
        StringBuilder command = new StringBuilder("MAIL FROM:<").append(mailFrom).append('>');
        if (connection.capabilities().announcesSize()) {
            command.append(" SIZE=").append(message.bytes().size());
        }
        if (message.bodyEightBitMime()) {
            command.append(" BODY=8BITMIME");
        }
        if (message.smtpUtf8()) {
            command.append(" SMTPUTF8");
        }
        return command.toString();
    }

    /** The transaction was refused before DATA: RSET so the connection is clean for the next message. */
    private HopResult finishWithRset(SmtpReply refusal) {
        boolean usable = (refusal == null || refusal.code() != 421) && connection.reset();
        return result(null, usable);
    }

    private void failRemaining(SmtpReply reply, SmtpStage stage) {
        for (String recipient : recipients) {
            results.putIfAbsent(recipient, RecipientResult.failed(recipient, reply, stage));
        }
    }

    private HopResult result(HostFailure failure, boolean usable) {
        connectionUsable = usable;
        return new HopResult(hop, failure, recipients.stream().map(results::get).toList(), message.note(), reused);
    }
}
