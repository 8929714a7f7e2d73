package com.mailroute.smtp;

import java.util.Locale;

/** How STARTTLS is used with a host. */
public enum TlsPolicy {
    /** Opportunistic: use STARTTLS when offered, accept any certificate, fall back to plain text if the handshake fails. */
    MAY,
    /** Mandatory: a host without STARTTLS, or whose handshake fails, is a (transient) host failure. */
    ENCRYPT,
    /** Never use STARTTLS. */
    NONE;

    public static TlsPolicy parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
