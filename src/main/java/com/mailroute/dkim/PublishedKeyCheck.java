package com.mailroute.dkim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.mailroute.routing.DnsLookup;
import com.mailroute.routing.ResolutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up each signer's {@code selector._domainkey.domain} TXT record through MailRoute's resolvers and says
 * whether it publishes the configured key. It only reports (a line per domain at startup and whenever its verdict
 * changes, a field in /observe/health): mail is signed either way, and a record published later is seen on the next
 * check.
 */
public final class PublishedKeyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedKeyCheck.class);
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final DnsLookup dns;
    private final Collection<SigningKey> keys;
    private final Clock clock;
    /** One thread at most, gone when idle: a check every few minutes needs no thread in between. */
    private final ExecutorService executor = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "dkim-dns-check");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Map<String, String> status;
    private volatile Instant checkedAt = Instant.EPOCH;

    public PublishedKeyCheck(DnsLookup dns, Collection<SigningKey> keys, Clock clock) {
        this.dns = dns;
        this.keys = keys;
        this.clock = clock;
        Map<String, String> initial = new LinkedHashMap<>();
        keys.forEach(k -> initial.put(k.domain(), "CHECKING: looking up " + k.dnsName()));
        this.status = initial;
    }

    /** Logs what is signed and the record to publish, then checks DNS in the background and logs each result. */
    public void startupCheck() {
        for (SigningKey k : keys) {
            LOG.info("dkim: mail From {}{} is signed {}; its DNS record: {} TXT \"{}\"", k.domain(), k.subdomains() ? " and its subdomains" : "",
                    k, k.dnsName(), k.txtRecord());
            if (k.algorithm() == DkimAlgorithm.RSA_SHA256 && k.bits() < 2048) {
                LOG.warn("dkim: d={} s={}: a {}-bit RSA key; receivers accept it, 2048 bits are recommended", k.domain(), k.selector(), k.bits());
            }
        }
        refreshInBackground();
    }

    /** Domain → verdict ("OK: ...", "MISSING: ...", "MISMATCH: ...", "REVOKED: ...", "UNKNOWN: ..."); refreshed when older than 5 minutes. */
    public Map<String, String> status() {
        if (Duration.between(checkedAt, clock.instant()).compareTo(MAX_AGE) > 0) {
            refreshInBackground();
        }
        return status;
    }

    private void refreshInBackground() {
        if (keys.isEmpty() || !running.compareAndSet(false, true)) {
            return;
        }
        executor.execute(() -> {
            try {
                checkNow();
            } finally {
                running.set(false);
            }
        });
    }

    /**
     * Checks every key now (blocking), logs each verdict that is not the one before, and returns the verdicts. The first
     * check's are all new, so they are logged whoever started it: a health request that arrives before the startup
     * check starts the first check itself.
     */
    public Map<String, String> checkNow() {
        Map<String, String> before = status;
        Map<String, String> result = new LinkedHashMap<>();
        for (SigningKey k : keys) {
            String verdict;
            try {
                verdict = verdict(k, dns.txt(k.dnsName()));
            } catch (ResolutionException e) {
                verdict = "UNKNOWN: the DNS lookup of " + k.dnsName() + " failed: " + e.getMessage();
            }
            result.put(k.domain(), verdict);
            if (verdict.equals(before.get(k.domain()))) {
                continue;
            }
            if (verdict.startsWith("OK")) {
                LOG.info("dkim: d={} s={}: {}", k.domain(), k.selector(), verdict);
            } else {
                LOG.warn("dkim: d={} s={}: {}", k.domain(), k.selector(), verdict);
            }
        }
        status = result;
        checkedAt = clock.instant();
        return result;
    }

    /** Whether the TXT records found at the key's name publish its public key. */
    static String verdict(SigningKey key, List<String> txtRecords) {
        String publish = "; publish " + key.dnsName() + " TXT \"" + key.txtRecord() + "\"";
        String problem = null;
        for (String record : txtRecords) {
            Map<String, String> tags = tags(record);
            String v = tags.get("v");
            if (!tags.containsKey("p") || (v != null && !v.equals("DKIM1"))) {
                continue; // not a DKIM key record
            }
            String k = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
            String p = tags.get("p").replaceAll("\\s", "");
            if (p.isEmpty()) {
                problem = "REVOKED: " + key.dnsName() + " publishes an empty p= (the key is revoked): receivers will fail every signature";
                continue;
            }
            if (!k.equals(key.algorithm().keyType())) {
                problem = "MISMATCH: " + key.dnsName() + " publishes a k=" + k + " key but " + key.file() + " is " + key.algorithm().keyType()
                        + ": receivers will fail every signature";
                continue;
            }
            byte[] published;
            try {
                published = Base64.getDecoder().decode(p);
            } catch (IllegalArgumentException e) {
                problem = "MISMATCH: the p= of " + key.dnsName() + " is not valid base64: receivers will fail every signature";
                continue;
            }
            if (samePublicKey(key, published)) {
                return "OK: " + key.dnsName() + " publishes the key of " + key.file();
            }
            problem = "MISMATCH: " + key.dnsName() + " publishes a different key than the one in " + key.file()
                    + ": receivers will fail every signature";
        }
        if (problem == null) {
            problem = "MISSING: no DKIM key record at " + key.dnsName() + ": receivers cannot verify the signatures";
        }
        return problem + publish;
    }

    /** p= equal to ours; for RSA also the bare RSAPublicKey form some publish (the bit string inside the SubjectPublicKeyInfo). */
    private static boolean samePublicKey(SigningKey key, byte[] published) {
        byte[] ours = key.publicKey();
        if (Arrays.equals(ours, published)) {
            return true;
        }
        if (key.algorithm() != DkimAlgorithm.RSA_SHA256) {
            return false;
        }
        int inner = rsaPublicKeyOffset(ours);
        return inner > 0 && Arrays.equals(ours, inner, ours.length, published, 0, published.length);
    }

    /** Offset of the RSAPublicKey in SEQUENCE { AlgorithmIdentifier, BIT STRING { unused-bits byte, RSAPublicKey } }. */
    private static int rsaPublicKeyOffset(byte[] spki) {
        int algorithmId = contentStart(spki, 0);
        int bitString = contentStart(spki, algorithmId) + contentLength(spki, algorithmId);
        return contentStart(spki, bitString) + 1;
    }

    private static int contentStart(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        return at + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    private static int contentLength(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            n = (n << 8) | (der[at + 2 + i] & 0xff);
        }
        return n;
    }

    private static Map<String, String> tags(String record) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return tags;
    }
}
