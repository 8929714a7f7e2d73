package com.mailroute.smtp;

import java.util.Set;

/**
 * What a host announced in its EHLO reply (after STARTTLS when TLS is in use).
 * A host that only spoke HELO announces nothing.
 *
 * @param extensions upper-case EHLO keywords, e.g. "8BITMIME", "SIZE", "STARTTLS"
 * @param sizeLimit  the SIZE parameter in bytes, 0 when none was announced
 */
public record ServerCapabilities(Set<String> extensions, long sizeLimit, boolean eightBitMime, boolean smtpUtf8,
                                 boolean startTls, boolean pipelining) {

    /** What a host that only spoke HELO announced. */
    static final ServerCapabilities NONE = fromEhlo(java.util.Map.of());

    public ServerCapabilities {
        extensions = Set.copyOf(extensions);
    }

    /** Reads the capabilities from the keyword → parameter map of an EHLO reply. */
    static ServerCapabilities fromEhlo(java.util.Map<String, String> keywords) {
        long size = 0;
        String sizeParam = keywords.get("SIZE");
        if (sizeParam != null && sizeParam.strip().matches("\\d{1,18}")) {
            size = Long.parseLong(sizeParam.strip());
        }
        return new ServerCapabilities(keywords.keySet(), size, keywords.containsKey("8BITMIME"),
                keywords.containsKey("SMTPUTF8"), keywords.containsKey("STARTTLS"), keywords.containsKey("PIPELINING"));
    }

    public boolean announcesSize() {
        return extensions.contains("SIZE");
    }
}
