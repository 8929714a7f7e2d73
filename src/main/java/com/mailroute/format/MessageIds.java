package com.mailroute.format;

import java.util.UUID;

/** New Message-ID values for messages MailRoute writes itself: {@code <random@domain>}, unique without coordination. */
public final class MessageIds {

    private MessageIds() {
    }

    /** @param domain the right-hand side, MailRoute's own name (mailroute.helo-name) */
    public static String create(String domain) {
        return "<" + UUID.randomUUID().toString().replace("-", "") + "@" + domain + ">";
    }
}
