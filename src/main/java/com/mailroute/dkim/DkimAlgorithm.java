package com.mailroute.dkim;

/** The two signing algorithms receivers accept today: rsa-sha256 (RFC 6376) and ed25519-sha256 (RFC 8463). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The a= value. */
    public String tag() {
        return tag;
    }

    /** The k= value of the DNS key record. */
    public String keyType() {
        return keyType;
    }
}
