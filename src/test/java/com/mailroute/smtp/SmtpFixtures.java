package com.mailroute.smtp;

import java.time.Duration;

import com.mailroute.spool.MessageBytes;

/** Settings and messages the SMTP client tests build (MailRouteConfiguration builds the real ones from the settings). */
public final class SmtpFixtures {
    private SmtpFixtures() {
    }

    /** Postfix-like defaults with one TLS policy for every host. */
    public static SmtpSettings settings(String heloName, TlsPolicy policy) {
        return new SmtpSettings(heloName, Duration.ofSeconds(30), Duration.ofSeconds(300), Duration.ofSeconds(600),
                100, Duration.ofSeconds(60), host -> policy);
    }

    public static SmtpSettings withTimeouts(SmtpSettings s, Duration connect, Duration command, Duration data) {
        return new SmtpSettings(s.heloName(), connect, command, data, s.maxMessagesPerConnection(), s.maxIdle(), s.tlsPolicy());
    }

    public static SmtpSettings withReuse(SmtpSettings s, int maxMessages, Duration idle) {
        return new SmtpSettings(s.heloName(), s.connectTimeout(), s.commandTimeout(), s.dataTimeout(), maxMessages, idle, s.tlsPolicy());
    }

    /** The bytes as they are, nothing announced. */
    public static PreparedMessage asIs(byte[] bytes) {
        return asIs(MessageBytes.of(bytes));
    }

    public static PreparedMessage asIs(MessageBytes bytes) {
        return new PreparedMessage(bytes, false, false, "");
    }
}
