package com.mailroute.smtp;

import java.time.Duration;
import java.util.function.Function;

/**
 * How the client talks to next hops.
 *
 * @param commandTimeout           wait for the greeting and each command's reply
 * @param dataTimeout              writing the message and waiting for the reply to end of data
 * @param maxMessagesPerConnection transactions on one connection before it is closed (1 = no reuse)
 * @param maxIdle                  a pooled connection idle longer than this is closed (QUIT)
 * @param tlsPolicy                TLS policy for a next hop's host name
 */
public record SmtpSettings(String heloName, Duration connectTimeout, Duration commandTimeout, Duration dataTimeout,
                           int maxMessagesPerConnection, Duration maxIdle, Function<String, TlsPolicy> tlsPolicy) {

    /** Postfix-like defaults with one TLS policy for every host. */
    public static SmtpSettings defaults(String heloName, TlsPolicy policy) {
        return new SmtpSettings(heloName, Duration.ofSeconds(30), Duration.ofSeconds(300), Duration.ofSeconds(600),
                100, Duration.ofSeconds(60), host -> policy);
    }

    public SmtpSettings withTimeouts(Duration connect, Duration command, Duration data) {
        return new SmtpSettings(heloName, connect, command, data, maxMessagesPerConnection, maxIdle, tlsPolicy);
    }

    public SmtpSettings withReuse(int maxMessages, Duration idle) {
        return new SmtpSettings(heloName, connectTimeout, commandTimeout, dataTimeout, maxMessages, idle, tlsPolicy);
    }
}
