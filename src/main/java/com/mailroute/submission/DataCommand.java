package com.mailroute.submission;

import com.mailroute.spool.MessageBytes;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.server.Session;

/**
 * DATA: receives the message and hands it to the accept step on this connection's thread. The reply is the
 * accept step's: 250 only once the broker committed the jobs, 5xx naming why a message is refused, 451 when
 * it could not be queued. The whole transfer must finish within mailroute.submission.command-timeout.
 */
final class DataCommand extends ListenerCommand {
    private static final Logger LOG = LoggerFactory.getLogger(DataCommand.class);

    DataCommand(SubmissionServer server) {
        super("DATA", "Following text is the message, ended by <CR><LF>.<CR><LF>", server);
    }

    @Override
    void run(String line, Session session) throws IOException, DropConnectionException {
        Transaction tx = transaction(session);
        if (tx == null) {
            reply(session, 503, "5.5.1", "Error: need MAIL command");
            return;
        }
        if (!argument(line).isEmpty()) {
            reply(session, 501, "5.5.4", "Syntax: DATA (no parameters)");
            return;
        }
        if (tx.recipients.isEmpty()) {
            reply(session, 554, "5.5.1", "Error: no valid recipients");
            return;
        }
        session.sendResponse("354 End data with <CR><LF>.<CR><LF>");
        MessageBytes data;
        AtomicBoolean overTime = new AtomicBoolean();
        ScheduledFuture<?> deadline = server.timer().schedule(() -> cutOff(session.getSocket(), overTime),
                server.config().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            data = DataReader.read(session.getRawInput(), server.config().maxMessageSize(), server.spool());
        } catch (DataReader.TooLarge e) {
            session.resetMailTransaction();
            LOG.warn("SMTP message from {} refused: {} bytes, larger than mailroute.message.max-size ({} bytes)", client(session, tx).describe(),
                    e.getMessage(), server.config().maxMessageSize());
            reply(session, 552, "5.3.4", "Message size exceeds fixed maximum message size (" + server.config().maxMessageSize() + " bytes)");
            return;
        } catch (IOException e) {
            String why = overTime.get() ? "the message took longer than mailroute.submission.command-timeout ("
                    + com.mailroute.format.Durations.format(server.config().commandTimeout()) + ")" : "connection lost or idle during DATA (" + e.getMessage() + ")";
            LOG.warn("SMTP message from {} not received: {}; nothing was accepted", client(session, tx).describe(), why);
            throw new DropConnectionException(421, "4.4.2 " + server.config().hostName() + " Error: " + why + "; closing");
        } finally {
            deadline.cancel(false);
        }
        SubmittedMessage message = new SubmittedMessage(tx.sender, List.copyOf(tx.recipients), data, client(session, tx));
        session.resetMailTransaction();
        Reply reply;
        try {
            reply = server.sink().accept(message);
        } catch (RuntimeException e) {
            LOG.error("SMTP message from {} not queued: {}", message.client().describe(), e.toString());
            reply = new Reply(451, "4.3.0", "Message not queued, try again later: " + e.getMessage());
        } finally {
            data.release();   // accepted (on the broker) or not: the spooled DATA is done with
        }
        session.sendResponse(reply.toString());
    }

    private SubmittedMessage.Client client(Session session, Transaction tx) {
        boolean esmtp = server.sessions().state(session).esmtp;
        String protocol = (tx.smtpUtf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP")
                + (session.isTLSStarted() ? "S" : "") + (session.isAuthenticated() ? "A" : "");
        if (protocol.equals("SMTPS") || protocol.equals("SMTPA") || protocol.equals("SMTPSA")) {
            protocol = "E" + protocol; // RFC 3848 names these only for ESMTP
        }
        String user = session.getAuthenticationHandler().map(h -> String.valueOf(h.getIdentity())).orElse(null);
        return new SubmittedMessage.Client(session.getRemoteAddress().getAddress(), session.getHelo().orElse(null), protocol, user);
    }

    /**
     * The transfer ran out of time: stop the reading side so the reader gives up (a plain socket can still carry
     * the 421; a TLS one cannot be half-closed and is closed).
     */
    private static void cutOff(Socket socket, AtomicBoolean overTime) {
        overTime.set(true);
        try {
            if (socket instanceof SSLSocket) {
                socket.close();
            } else {
                socket.shutdownInput();
            }
        } catch (IOException e) {
            // already closed
        }
    }
}
