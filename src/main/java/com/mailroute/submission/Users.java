package com.mailroute.submission;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.commons.codec.digest.Crypt;

/**
 * The users that may AUTH, each with a SHA-crypt hash ($5$ SHA-256 or $6$ SHA-512, as made by
 * {@code openssl passwd -6} or {@code mkpasswd -m sha-512}); the password itself is never stored.
 */
public final class Users {
    private final Map<String, String> hashes;

    private Users(Map<String, String> hashes) {
        this.hashes = hashes;
    }

    /**
     * "name:hash,name:hash". A dovecot-style {SHA512-CRYPT} prefix is accepted. Errors never repeat the
     * value: it may be a password typed where its hash belongs.
     */
    public static Users parse(String list) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("an entry is not name:hash (entry " + (m.size() + 1) + ")");
            }
            String name = e.substring(0, colon).strip();
            String hash = e.substring(colon + 1).strip().replaceFirst("^\\{SHA(256|512)-CRYPT}", "");
            if (!hash.matches("\\$[56]\\$(rounds=\\d+\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]{43,86}")) {
                throw new IllegalArgumentException("the password of user '" + name + "' is not a SHA-crypt hash ($5$... or $6$...);"
                        + " make one with: openssl passwd -6");
            }
            if (m.put(name, hash) != null) {
                throw new IllegalArgumentException("user '" + name + "' is listed twice");
            }
        }
        return new Users(m);
    }

    public boolean isEmpty() {
        return hashes.isEmpty();
    }

    public Set<String> names() {
        return hashes.keySet();
    }

    // An unknown user costs the same hashing as a known one, so timing does not tell which names exist.
    private static final String NO_SUCH_USER = "$6$nosuchuser$0000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

    /** True when the user exists and the password matches its hash (compared in constant time). */
    public boolean verify(String user, String password) {
        String hash = hashes.getOrDefault(user, NO_SUCH_USER);
        String computed = Crypt.crypt((password == null ? "" : password).getBytes(StandardCharsets.UTF_8), hash);
        return hashes.containsKey(user) && password != null
                && MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    }
}
