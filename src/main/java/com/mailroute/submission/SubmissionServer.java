package com.mailroute.submission;

import com.mailroute.spool.Spool;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * MailRoute's SMTP submission listener on SubEthaSMTP: the library runs the sockets, the thread per connection,
 * the command-line reader and the TLS switch; the commands are this package's, so that every reply has an
 * enhanced status code, the relay policy holds and a message is answered with what the accept step said.
 */
public final class SubmissionServer {
    private static final Logger LOG = LoggerFactory.getLogger(SubmissionServer.class);
    /** How long a shutdown waits for connections in the middle of a command (receiving, committing). */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final SubmissionConfig config;
    private final MessageSink sink;
    private final Spool spool;
    private final ServerTls tls;
    private final Sessions sessions;
    private final ScheduledExecutorService timer;
    private final SMTPServer smtp;

    public SubmissionServer(SubmissionConfig config, Spool spool, MessageSink sink) {
        this.config = config;
        this.sink = sink;
        this.spool = spool;
        this.tls = config.tls() ? ServerTls.load(config.tlsCert(), config.tlsKey()) : null;
        this.sessions = new Sessions(config.hostName(), config.maxConnections());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-submission-timer");
            t.setDaemon(true);
            return t;
        });
        this.smtp = SMTPServer.port(config.port())
                .bindAddress(address(config.host()))
                .hostName(config.hostName())
                .softwareName("MailRoute")
                // Sessions enforces the limit with its own 421 4.7.0; the library's count only guards beyond it.
                .maxConnections(config.maxConnections() + 10)
                .connectionTimeoutMs((int) config.idleTimeout().toMillis())
                .sessionHandler(sessions)
                .messageHandlerFactory(context -> new Transaction())
                .serverThreadName("smtp-submission-" + config.host() + ":" + config.port())
                .build();
        for (ListenerCommand c : commands()) {
            smtp.getCommandHandler().addCommand(c);
        }
    }

    private List<ListenerCommand> commands() {
        List<ListenerCommand> all = new ArrayList<>(BasicCommands.all(this));
        all.addAll(List.of(new EhloCommand(this), new StartTlsCommand(this), new AuthCommand(this), new MailCommand(this),
                new RcptCommand(this), new DataCommand(this)));
        return all;
    }

    public void start() {
        smtp.start();
        LOG.info("SMTP submission listener on {}:{} (STARTTLS {}, AUTH {}, without AUTH: loopback{})", config.host(), port(),
                tls != null ? "on" : "off", config.users().isEmpty() ? "off" : config.users().names().size() + " user(s), after STARTTLS",
                config.policy().networks().isEmpty() ? "" : " and " + config.policy().networks());
    }

    /** Answers 421 to every client (those in the middle of a command first finish it), then closes the listener. */
    public void stop() {
        sessions.shutDown(SHUTDOWN_GRACE);
        smtp.stop();
        timer.shutdownNow();
        LOG.info("SMTP submission listener on {}:{} stopped", config.host(), port());
    }

    /** The port listened on (the one the system chose when configured as 0, for tests). */
    public int port() {
        return smtp.getPortAllocated();
    }

    Spool spool() {
        return spool;
    }

    SubmissionConfig config() {
        return config;
    }

    MessageSink sink() {
        return sink;
    }

    ServerTls tls() {
        return tls;
    }

    Sessions sessions() {
        return sessions;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** The relay policy: loopback and trusted networks always; anyone else once authenticated. */
    boolean mayRelay(Session session) {
        return session.isAuthenticated() || config.policy().trusted(session.getRemoteAddress().getAddress());
    }

    boolean authOffered(Session session) {
        return tls != null && session.isTLSStarted() && !config.users().isEmpty() && !session.isAuthenticated();
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("mailroute.submission.host " + host + " is not an address of this machine: " + e.getMessage());
        }
    }
}
