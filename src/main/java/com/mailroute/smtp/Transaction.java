package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MAIL FROM / RCPT TO / DATA exchange on an open connection, with a result per recipient (pipelined when the
 * host announced PIPELINING). Once run, it also tells whether the connection can carry another message.
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

    /**
     * Runs the transaction: RSET first on a reused connection, then MAIL, RCPT for each recipient and DATA, pipelined
     * when the host allows it, then the message. Returns null when a reused connection turned out to be broken at
     * RSET, before anything of this message was taken: the caller tries again on a new connection.
     */
    HopResult run() {
        try {
            connection.countTransaction();
            SmtpConnection.Replies replies = connection.send(commands());
            if (reused && !resetAccepted(replies)) {
                connectionUsable = false;
                return null;
            }
            SmtpReply mail = replies.next();
            if (!mail.isPositive()) {
                failRemaining(mail, SmtpStage.MAIL);
                return finishRefused(replies, mail);
            }
            List<String> accepted = new ArrayList<>();
            SmtpReply lastRefusal = null;
            for (String recipient : recipients) {
                SmtpReply rcpt = replies.next();
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
                return finishRefused(replies, lastRefusal);
            }
            SmtpReply data = replies.next();
            if (data.code() != 354) {
                failRemaining(data, SmtpStage.DATA);
                return result(null, data.code() != 421);   // the next use of the connection starts with RSET
            }
            SmtpReply end = connection.sendMessage(message.bytes());
            if (end.isPositive()) {
                accepted.forEach(r -> results.put(r, RecipientResult.delivered(r, end)));
            } else {
                failRemaining(end, SmtpStage.END_OF_DATA);
            }
            return result(null, end.code() != 421);
        } catch (SessionFailure f) {
            failRemaining(null, f.stage());
            return result(f.failure(), false);
        }
    }

    private List<SmtpConnection.Command> commands() {
        List<SmtpConnection.Command> commands = new ArrayList<>(recipients.size() + 3);
        if (reused) {
            commands.add(new SmtpConnection.Command(SmtpStage.MAIL, "RSET"));   // is the pooled session still alive and clean?
        }
        commands.add(new SmtpConnection.Command(SmtpStage.MAIL, mailFromCommand(message)));
        for (String recipient : recipients) {
            commands.add(new SmtpConnection.Command(SmtpStage.RCPT, "RCPT TO:<" + recipient + ">"));
        }
        commands.add(new SmtpConnection.Command(SmtpStage.DATA, "DATA"));
        return commands;
    }

    private static boolean resetAccepted(SmtpConnection.Replies replies) {
        try {
            return replies.next().code() == 250;
        } catch (SessionFailure f) {
            return false;
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

    /**
     * The transaction was refused before DATA. Replies to commands a pipelined group already sent are read; a DATA the
     * host took anyway is ended at once with an empty message (RFC 2920, 3.1); RSET leaves the connection clean for
     * the next message. Recipients keep the refusal they got, whatever happens to the connection now.
     */
    private HopResult finishRefused(SmtpConnection.Replies replies, SmtpReply refusal) {
        if (refusal != null && refusal.code() == 421) {
            return result(null, false);
        }
        try {
            SmtpReply last = replies.drain();
            if (last != null && last.code() == 354) {
                connection.command(SmtpStage.DATA, ".");
            }
        } catch (SessionFailure f) {
            return result(null, false);
        }
        return result(null, connection.reset());
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
