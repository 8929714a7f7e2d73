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

}
