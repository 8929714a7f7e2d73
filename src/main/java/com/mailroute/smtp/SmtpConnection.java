package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import com.mailroute.spool.MessageBytes;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.WriteTimeoutSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One SMTP session with one host, driven command by command on Angus's {@link SMTPTransport}: Angus does the
 * greeting, EHLO (HELO fallback), STARTTLS and the dot-stuffed DATA stream; this class decides MAIL FROM
 * parameters and reads every reply itself so each recipient gets its own verbatim answer.
 * Not thread-safe by design: one delivery thread owns a connection at a time.
 */
final class SmtpConnection extends SMTPTransport {

    private static final byte[] CRLF = {'\r', '\n'};
    private final NextHop hop;
    private final SmtpSettings settings;
    private Socket tcp;
    private SmtpStage stage = SmtpStage.CONNECT;
    private SmtpReply lastReply;          // last reply read in the current stage, null if none
    // read once per EHLO, asked for by every message on the connection
    private ServerCapabilities capabilities = ServerCapabilities.NONE;
    private int transactions;
    private long idleSinceNanos = System.nanoTime();

    private SmtpConnection(Session session, NextHop hop, SmtpSettings settings) {
        super(session, new URLName("smtp", hop.host(), hop.port(), null, null, null));
        this.hop = hop;
        this.settings = settings;
        setLocalHost(settings.heloName());
    }

    /** Connects, reads the greeting, says EHLO (HELO when EHLO gets a 5xx) and applies the TLS policy. */
    static SmtpConnection open(NextHop hop, SmtpSettings settings, TlsPolicy tls, ScheduledExecutorService writeTimer)
            throws SessionFailure {
        SmtpConnection c = new SmtpConnection(SESSION, hop, settings);
        c.connectTcp(writeTimer);
        try {
            c.stage(SmtpStage.GREETING);
            c.connect(c.tcp);
            if (tls != TlsPolicy.NONE) {
                c.applyTls(tls);
            }
            return c;
        } catch (MessagingException e) {
            SessionFailure failure = c.failure(e);
            c.quit();
            throw failure;
        } catch (SessionFailure f) {
            c.quit();
            throw f;
        }
    }

    // One Session for every connection: Session.getInstance scans every jar for providers, far too slow per connection.
    private static final Session SESSION = Session.getInstance(sessionProperties());

    private static Properties sessionProperties() {
        Properties p = new Properties();
        p.setProperty("mail.smtp.ssl.trust", "*");   // opportunistic TLS must not fail on self-signed certificates
        p.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        p.setProperty("mail.smtp.quitwait", "true");
        return p;
    }

    private void connectTcp(ScheduledExecutorService writeTimer) throws SessionFailure {
        Socket socket = new Socket();
        try {
            // the host name is attached so Angus never does a reverse lookup on the address
            InetAddress address = InetAddress.getByAddress(hop.host(), hop.address().getAddress());
            socket.connect(new InetSocketAddress(address, hop.port()), millis(settings.connectTimeout()));
            socket.setSoTimeout(millis(settings.commandTimeout()));
            // Every write is a whole group of commands or a large piece of DATA. With Nagle's algorithm the small
            // write that ends DATA (".") waited for the ACK of the message before it, which the receiver delays (up to
            // 40 ms on Linux): each delivery of a 10-60 KB message stalled that long.
            socket.setTcpNoDelay(true);
            tcp = new WriteTimeoutSocket(socket, millis(settings.dataTimeout()), writeTimer);
        } catch (IOException e) {
            closeQuietly(socket);
            throw failure(e);
        }
    }

    private synchronized void applyTls(TlsPolicy tls) throws MessagingException, SessionFailure {
        if (!supportsExtension("STARTTLS")) {
            if (tls == TlsPolicy.ENCRYPT) {
                throw new SessionFailure(new HostFailure(SmtpStage.STARTTLS, null,
                        "TLS is required (policy encrypt) but the host did not offer STARTTLS", false), null);
            }
            return;
        }
        stage(SmtpStage.STARTTLS);
        startTLS();
        if (!ehlo(getLocalHost())) {
            helo(getLocalHost());
        }
    }

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        stage(SmtpStage.EHLO);
        boolean ok = super.ehlo(domain);
        if (ok) {
            capabilities = ServerCapabilities.fromEhlo(keywords(getLastServerResponse()));
            return true;
        }
        if (lastReply == null || !lastReply.isPermanent()) {
            // only a 5xx means "no ESMTP here, try HELO"; a 4xx or a lost connection is a host failure
            throw new MessagingException("EHLO failed: " + getLastServerResponse());
        }
        return false;
    }

    @Override
    protected void helo(String domain) throws MessagingException {
        stage(SmtpStage.EHLO);
        capabilities = ServerCapabilities.NONE;
        super.helo(domain);
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        int code = super.readServerResponse();
        lastReply = code > 0 ? reply(getLastServerResponse()) : null;
        return code;
    }

    /** Sends one command (UTF-8, for SMTPUTF8 addresses) and returns the verbatim reply. */
    SmtpReply command(SmtpStage commandStage, String command) throws SessionFailure {
        return send(List.of(new Command(commandStage, command))).next();
    }

    /** A command of a transaction, and the stage its reply belongs to. */
    record Command(SmtpStage stage, String text) {
    }

    /**
     * Sends a transaction's commands and reads their replies in order. When the host announced PIPELINING (RFC 2920)
     * they are written ahead in groups, each group in one write, so the commands before the message cost one round
     * trip instead of one each (three or more per message on a real network); without it, each command is sent when
     * its reply is asked for. The last command may be DATA: RFC 2920 allows it only at the end of a group.
     */
    Replies send(List<Command> commands) {
        return new Replies(commands, capabilities().pipelining());
    }

    /** The replies of {@link #send}, one per command, read in order. */
    final class Replies {
        // A group's commands and replies must fit in the socket buffers at once, or both sides would wait on a full one.
        private static final int GROUP = 64;
        private final List<Command> commands;
        private final boolean pipelining;
        private int sent;
        private int read;

        private Replies(List<Command> commands, boolean pipelining) {
            this.commands = commands;
            this.pipelining = pipelining;
        }

        /** The reply to the next command, which is sent first unless a pipelined group already carried it. */
        SmtpReply next() throws SessionFailure {
            synchronized (SmtpConnection.this) {
                if (read == sent) {
                    sendUpTo(pipelining ? Math.min(commands.size(), sent + GROUP) : sent + 1);
                }
                return readReply(commands.get(read++).stage());
            }
        }

        /**
         * Reads the replies to commands already sent but not yet read (a pipelined group whose outcome was decided
         * early, e.g. MAIL refused), so the session is in step for what comes next. Returns the last of them, null
         * when there were none.
         */
        SmtpReply drain() throws SessionFailure {
            SmtpReply last = null;
            while (read < sent) {
                last = next();
            }
            return last;
        }

        private void sendUpTo(int end) throws SessionFailure {
            stage(commands.get(sent).stage());
            try {
                OutputStream out = serverOutput();
                for (; sent < end; sent++) {
                    out.write(commands.get(sent).text().getBytes(StandardCharsets.UTF_8));
                    out.write(CRLF);
                }
                out.flush();
            } catch (IOException e) {
                throw failure(e);
            }
        }
    }

    private SmtpReply readReply(SmtpStage replyStage) throws SessionFailure {
        stage(replyStage);
        try {
            if (readServerResponse() <= 0) {
                throw failure(null);
            }
            return lastReply;
        } catch (MessagingException | RuntimeException e) {
            throw failure(e);
        }
    }

    /**
     * The message after DATA's 354, dot-stuffed, then "." in the same write. Returns the reply to the end of data
     * (stage END_OF_DATA); see {@link #stage()}.
     */
    synchronized SmtpReply sendMessage(MessageBytes message) throws SessionFailure {
        try {
            DotStuffingStream data = new DotStuffingStream(serverOutput());
            write(message, data);
            data.finish();
            stage(SmtpStage.END_OF_DATA);
            tcp.setSoTimeout(millis(settings.dataTimeout()));
            if (simpleCommand(".") <= 0) {   // sent after the message, flushed with it
                throw failure(null);
            }
            return lastReply;
        } catch (MessagingException | IOException e) {
            throw failure(e);
        } finally {
            try {
                tcp.setSoTimeout(millis(settings.commandTimeout()));
            } catch (IOException ignored) {
                // the connection is broken; the failure above already says so
            }
        }
    }

    /** A message in the heap in one write; a spooled one streamed from its file in 64 KB reads. */
    private static void write(MessageBytes message, OutputStream out) throws IOException {
        if (message.inHeap()) {
            out.write(message.toByteArray());
            return;
        }
        try (InputStream in = message.open()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        }
    }

    // Angus's buffered stream to the server (after STARTTLS, the TLS socket's). It has no accessor: its data() stream
    // tests every byte twice, which cost a fifth of the CPU for large mail, so the message is written here instead.
    private static final VarHandle SERVER_OUTPUT = serverOutputHandle();

    private static VarHandle serverOutputHandle() {
        try {
            return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
                    .findVarHandle(SMTPTransport.class, "serverOutput", OutputStream.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);   // a different Angus: the SMTP tests fail at once
        }
    }

    private OutputStream serverOutput() {
        return (OutputStream) SERVER_OUTPUT.get(this);
    }

    /** RSET; false when the connection is no longer usable (closed, timed out, 421). */
    synchronized boolean reset() {
        try {
            return command(SmtpStage.MAIL, "RSET").code() == 250;
        } catch (SessionFailure f) {
            return false;
        }
    }

    /** QUIT and close; never throws. */
    void quit() {
        try {
            close();
        } catch (MessagingException | RuntimeException ignored) {
            // the connection is going away anyway
        } finally {
            closeQuietly(tcp);
        }
    }

    ServerCapabilities capabilities() {
        return capabilities;
    }

    NextHop hop() {
        return hop;
    }

    SmtpStage stage() {
        return stage;
    }

    int transactions() {
        return transactions;
    }

    void countTransaction() {
        transactions++;
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    boolean idleLongerThan(Duration maxIdle) {
        return System.nanoTime() - idleSinceNanos > maxIdle.toNanos();
    }

    private void stage(SmtpStage next) {
        stage = next;
        lastReply = null;
    }

    /** Describes why the session broke, with the host's reply when it gave one in this stage. */
    private SessionFailure failure(Exception e) {
        SmtpStage at = stage;
        boolean mayHaveBeenDelivered = at == SmtpStage.END_OF_DATA;
        String suffix = mayHaveBeenDelivered ? ": the message may have been delivered" : "";
        String error;
        SmtpReply reply = null;
        if (cause(e, SocketTimeoutException.class) != null) {
            Duration timeout = switch (at) {
                case CONNECT -> settings.connectTimeout();
                case END_OF_DATA -> settings.dataTimeout();
                default -> settings.commandTimeout();
            };
            error = "timed out after " + timeout.toSeconds() + "s " + waitingFor(at) + suffix;
        } else if (cause(e, ConnectException.class) != null) {
            error = "connection refused";
        } else if (lastReply != null && !lastReply.isPositive()) {
            reply = lastReply;
            error = at.label() + " refused by the host";
        } else if (at == SmtpStage.END_OF_DATA) {
            error = "connection dropped after end of data, before the reply" + suffix;
        } else {
            Throwable root = rootCause(e);
            error = "connection lost " + waitingFor(at)
                    + (root == null || root.getMessage() == null ? "" : " (" + root.getMessage().strip() + ")");
        }
        boolean permanent = reply != null && reply.isPermanent();
        return new SessionFailure(new HostFailure(at, reply, error, permanent), e);
    }

    private static String waitingFor(SmtpStage stage) {
        return switch (stage) {
            case CONNECT -> "connecting";
            case GREETING -> "waiting for the greeting";
            case DATA -> "during DATA";
            case END_OF_DATA -> "waiting for the reply to end of data";
            default -> "waiting for the reply to " + stage.name().replace('_', ' ');
        };
    }

    /** Angus joins reply lines with LF; SmtpReply keeps them CRLF-joined. */
    static SmtpReply reply(String angusResponse) {
        return SmtpReply.parse(angusResponse.strip().replace("\n", "\r\n"));
    }

    /** Keyword → parameter from an EHLO reply ("250-SIZE 1000" → SIZE=1000); the first line is the greeting. */
    static Map<String, String> keywords(String ehloResponse) {
        Map<String, String> keywords = new LinkedHashMap<>();
        String[] lines = ehloResponse.strip().split("\r?\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].length() < 5) {
                continue;
            }
            String line = lines[i].substring(4).strip();
            int space = line.indexOf(' ');
            String keyword = space < 0 ? line : line.substring(0, space);
            keywords.put(keyword.toUpperCase(Locale.ROOT), space < 0 ? "" : line.substring(space + 1).strip());
        }
        return keywords;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = nextCause(t)) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = nextCause(t)) {
            root = t;
        }
        return root;
    }

    private static Throwable nextCause(Throwable t) {
        if (t instanceof MessagingException me && me.getNextException() != null) {
            return me.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
