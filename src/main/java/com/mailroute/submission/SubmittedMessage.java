package com.mailroute.submission;

import com.mailroute.spool.MessageBytes;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/** A message received over SMTP, handed to the accept step: envelope, the bytes after dot-unstuffing, and who sent it. */
public record SubmittedMessage(String sender, List<String> recipients, MessageBytes data, Client client) {

    /**
     * The client: its address, the name it gave in HELO/EHLO, the protocol for the Received field
     * (RFC 3848/6531: ESMTP, ESMTPS, ESMTPSA, UTF8SMTPS, ...) and the AUTH user, if any.
     */
    public record Client(InetAddress address, String helo, String protocol, String user) {
        private static final Pattern HELO_NAME = Pattern.compile("[A-Za-z0-9.\\-_:\\[\\]]{1,255}");
        private static final Pattern NOT_VISIBLE = Pattern.compile("[^\\x21-\\x7E]");

        /** "helo ([192.0.2.7])" for the Received field; a HELO name with odd characters is replaced, never copied. */
        public String receivedFrom() {
            String name = helo != null && HELO_NAME.matcher(helo).matches() ? helo : "unknown";
            return name + " ([" + address.getHostAddress() + "])";
        }

        /** For the log: "[192.0.2.7] helo=app.example user=app". */
        public String describe() {
            return "[" + address.getHostAddress() + "] helo=" + (helo == null ? "(none)" : NOT_VISIBLE.matcher(helo).replaceAll("?"))
                    + (user == null ? "" : " user=" + user);
        }
    }
}
