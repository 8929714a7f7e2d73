package com.mailroute.dkim;

import java.net.IDN;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.mailroute.settings.Settings;
import com.mailroute.settings.Settings.SettingsException;

/**
 * The configured DKIM signers, read from {@code mailroute.dkim.<domain>.selector/.key/.headers/.subdomains}
 * with their key files loaded and checked, so a bad configuration stops startup with one line naming the setting.
 */
public final class DkimKeys {
    private static final String PREFIX = "mailroute.dkim.";
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");
    public static final int MIN_RSA_BITS = 1024;

    private final Map<String, SigningKey> byDomain;

    private DkimKeys(Map<String, SigningKey> byDomain) {
        this.byDomain = byDomain;
    }

    public static DkimKeys none() {
        return new DkimKeys(Map.of());
    }

    public static DkimKeys fromSettings(Settings settings) {
        Map<String, Map<String, String>> grouped = new TreeMap<>();
        settings.withPrefix(PREFIX).forEach((k, v) -> {
            String rest = k.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            grouped.computeIfAbsent(rest.substring(0, dot), d -> new TreeMap<>()).put(rest.substring(dot + 1), v);
        });
        Map<String, SigningKey> keys = new TreeMap<>();
        grouped.forEach((domain, values) -> {
            SigningKey key = signingKey(domain, values);
            if (keys.put(key.domain(), key) != null) {
                throw new SettingsException(PREFIX + domain + ".selector", values.getOrDefault("selector", ""),
                        "the domain " + key.domain() + " is configured twice (in different spellings)");
            }
        });
        return new DkimKeys(keys);
    }

    private static SigningKey signingKey(String configured, Map<String, String> v) {
        String p = PREFIX + configured + ".";
        String selector = v.getOrDefault("selector", "");
        String file = v.getOrDefault("key", "");
        if (selector.isEmpty() && file.isEmpty()) {
            String any = v.keySet().iterator().next();
            throw new SettingsException(p + any, v.get(any), "needs " + p + "selector and " + p + "key as well");
        }
        if (file.isEmpty()) {
            throw new SettingsException(p + "key", "", "missing: " + p + "selector is set, so a PEM private key file is needed");
        }
        if (selector.isEmpty()) {
            throw new SettingsException(p + "selector", "", "missing: " + p + "key is set, so the selector it is published under is needed");
        }
        if (!SELECTOR.matcher(selector).matches()) {
            throw new SettingsException(p + "selector", selector, "not a valid selector (letters, digits, hyphens, dot-separated labels)");
        }
        String domain;
        try {
            domain = IDN.toASCII(configured, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(p + "selector", selector, "'" + configured + "' is not a domain name: " + e.getMessage());
        }
        if (!domain.contains(".") || domain.startsWith(".") || domain.endsWith(".")) {
            throw new SettingsException(p + "selector", selector, "'" + configured + "' is not a domain name");
        }
        List<String> headers = new ArrayList<>();
        for (String h : v.getOrDefault("headers", "").split(",")) {
            String name = h.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!FIELD_NAME.matcher(name).matches() || name.equalsIgnoreCase("DKIM-Signature")) {
                throw new SettingsException(p + "headers", v.get("headers"), "'" + name + "' is not a header field name that can be signed");
            }
            headers.add(name);
        }
        boolean subdomains = Boolean.parseBoolean(v.getOrDefault("subdomains", "false"));
        Path path = Path.of(file).toAbsolutePath().normalize();
        KeyPair pair;
        try {
            pair = PemKeys.read(path);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(p + "key", file, e.getMessage());
        }
        DkimAlgorithm algorithm;
        int bits;
        if (pair.getPrivate() instanceof RSAKey rsa) {
            algorithm = DkimAlgorithm.RSA_SHA256;
            bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new SettingsException(p + "key", file, "the RSA key has " + bits + " bits; DKIM needs at least "
                        + MIN_RSA_BITS + " (receivers ignore shorter keys), 2048 is recommended");
            }
        } else {
            algorithm = DkimAlgorithm.ED25519_SHA256;
            bits = 256;
        }
        return new SigningKey(domain, selector, algorithm, pair.getPrivate(), PemKeys.dnsPublicKey(pair.getPublic()),
                List.copyOf(headers), subdomains, path, bits);
    }

    /** The signer for mail From this domain: the domain's own, else the nearest parent's if it covers subdomains. */
    public Optional<SigningKey> forFromDomain(String asciiDomain) {
        String d = asciiDomain.toLowerCase(Locale.ROOT);
        SigningKey exact = byDomain.get(d);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
            SigningKey parent = byDomain.get(d.substring(dot + 1));
            if (parent != null && parent.subdomains()) {
                return Optional.of(parent);
            }
        }
        return Optional.empty();
    }

    public Collection<SigningKey> all() {
        return byDomain.values();
    }

    public boolean isEmpty() {
        return byDomain.isEmpty();
    }

    @Override
    public String toString() {
        return Arrays.toString(byDomain.values().toArray());
    }
}
