package com.mailroute.submission;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.mailroute.settings.Settings;

/** The SMTP submission listener's settings (mailroute.submission.*), checked together at startup. */
public record SubmissionConfig(String host, int port, String hostName, long maxMessageSize, int maxRecipients, int maxConnections,
                               Duration idleTimeout, Duration commandTimeout, ClientPolicy policy, Users users, Path tlsCert, Path tlsKey) {

    public boolean tls() {
        return tlsCert != null;
    }

    /** The same listener on another address (the route's endpoint URI names host and port). */
    public SubmissionConfig at(String newHost, int newPort) {
        return new SubmissionConfig(newHost, newPort, hostName, maxMessageSize, maxRecipients, maxConnections, idleTimeout, commandTimeout,
                policy, users, tlsCert, tlsKey);
    }

    /** Reads and checks every mailroute.submission.* setting; a problem is one {@link Settings.SettingsException} line. */
    public static SubmissionConfig from(Settings s) {
        String host = s.get("mailroute.submission.host");
        if (host.isEmpty()) {
            throw new Settings.SettingsException("mailroute.submission.host", host, "empty: give the address to listen on (127.0.0.1)");
        }
        List<Network> networks = new ArrayList<>();
        for (String n : s.csv("mailroute.submission.networks")) {
            Network network;
            try {
                network = Network.parse(n);
            } catch (IllegalArgumentException e) {
                throw new Settings.SettingsException("mailroute.submission.networks", s.get("mailroute.submission.networks"), e.getMessage());
            }
            if (network.prefix() == 0) {
                throw new Settings.SettingsException("mailroute.submission.networks", s.get("mailroute.submission.networks"),
                        "'" + n + "' is every address: that would make the listener an open relay");
            }
            networks.add(network);
        }
        Users users;
        try {
            users = Users.parse(s.get("mailroute.submission.users"));
        } catch (IllegalArgumentException e) {
            throw new Settings.SettingsException("mailroute.submission.users", "(not shown)", e.getMessage());
        }
        String cert = s.get("mailroute.submission.tls.cert");
        String key = s.get("mailroute.submission.tls.key");
        if (cert.isEmpty() != key.isEmpty()) {
            String missing = cert.isEmpty() ? "mailroute.submission.tls.cert" : "mailroute.submission.tls.key";
            throw new Settings.SettingsException(missing, "", "STARTTLS needs both mailroute.submission.tls.cert and mailroute.submission.tls.key (PEM files)");
        }
        int port = s.port("mailroute.submission.port");
        if (port != 0 && !users.isEmpty() && cert.isEmpty()) {
            throw new Settings.SettingsException("mailroute.submission.tls.cert", "", "required with mailroute.submission.users:"
                    + " AUTH is offered only after STARTTLS, so passwords never cross the network in the clear");
        }
        if (port != 0 && !Settings.isLoopback(host) && users.isEmpty() && networks.isEmpty()) {
            throw new Settings.SettingsException("mailroute.submission.users", "", "required when the SMTP listener binds " + host
                    + " (mailroute.submission.host), which is not a loopback address: configure users (or trusted"
                    + " mailroute.submission.networks); nobody else may relay");
        }
        Duration idle = s.duration("mailroute.submission.idle-timeout");
        Duration command = s.duration("mailroute.submission.command-timeout");
        for (String k : List.of("mailroute.submission.idle-timeout", "mailroute.submission.command-timeout")) {
            Duration d = s.duration(k);
            if (d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new Settings.SettingsException(k, s.get(k), "must be more than 0 and less than 24d");
            }
        }
        return new SubmissionConfig(host, port, s.heloName(), s.size("mailroute.message.max-size"),
                s.positiveInt("mailroute.submission.max-recipients"), s.positiveInt("mailroute.submission.max-connections"),
                idle, command, ClientPolicy.of(networks), users, cert.isEmpty() ? null : Path.of(cert), key.isEmpty() ? null : Path.of(key));
    }
}
