package com.mailroute.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mailroute.format.Durations;
import com.mailroute.routing.HostPort;
import com.mailroute.failure.RetrySchedule;

/**
 * MailRoute's settings: built-in defaults, then application.properties (classpath, then the
 * working directory), then environment variables (MAILROUTE_SMTP_PORT), then -D system properties.
 * Everything is validated up front so a wrong value stops startup with one line naming the key.
 */
public final class Settings {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|K|M|G)?", Pattern.CASE_INSENSITIVE);
    private static final List<String> PER_DOMAIN_PREFIXES = List.of("mailroute.transport.", "mailroute.tls.", "mailroute.dkim.");
    /** mailroute.dkim.<domain>.<one of these>; the key files themselves are read by com.mailroute.dkim.DkimKeys. */
    public static final List<String> DKIM_SUFFIXES = List.of("selector", "key", "headers", "subdomains");

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
        validate();
    }

    /** Loads settings from every source in precedence order. */
    public static Settings load() {
        return load(System.getenv(), System.getProperties(), Path.of("application.properties"));
    }

    static Settings load(Map<String, String> env, Properties system, Path workingDirFile) {
        Map<String, String> v = new TreeMap<>();
        Map<String, String> defaults = readResource("mailroute-defaults.properties");
        v.putAll(defaults);
        v.putAll(mailrouteKeys(readResource("application.properties")));
        if (Files.isRegularFile(workingDirFile)) {
            v.putAll(mailrouteKeys(readFile(workingDirFile)));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = keyForEnvironmentVariable(e.getKey(), defaults);
            if (key != null) {
                v.put(key, e.getValue());
            } else if (e.getKey().startsWith("MAILROUTE_")) {
                throw new SettingsException(e.getKey(), e.getValue(), "unknown environment variable (check the spelling; MAILROUTE_SMTP_PORT sets mailroute.smtp.port)");
            }
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("mailroute.")) {
                v.put(name, system.getProperty(name));
            }
        }
        v.replaceAll((k, val) -> val == null ? "" : val.strip());
        if (v.get("mailroute.helo-name").isEmpty()) {
            v.put("mailroute.helo-name", machineName());
        }
        if (v.get("mailroute.postmaster").isEmpty()) {
            v.put("mailroute.postmaster", "postmaster@" + v.get("mailroute.helo-name"));
        }
        return new Settings(v);
    }

    /** Builds settings from explicit values over the defaults (tests). */
    public static Settings of(Map<String, String> overrides) {
        Properties p = new Properties();
        p.putAll(overrides);
        return load(Map.of(), p, Path.of("/nonexistent/application.properties"));
    }

    /**
     * MAILROUTE_SMTP_PORT → mailroute.smtp.port; MAILROUTE_TRANSPORT_EXAMPLE_COM → mailroute.transport.example.com;
     * MAILROUTE_DKIM_EXAMPLE_COM_SELECTOR → mailroute.dkim.example.com.selector (the last word is the setting, the rest the domain).
     */
    static String keyForEnvironmentVariable(String name, Map<String, String> defaults) {
        if (!name.startsWith("MAILROUTE_")) {
            return null;
        }
        for (String key : defaults.keySet()) {
            if (envName(key).equals(name)) {
                return key;
            }
        }
        for (String prefix : PER_DOMAIN_PREFIXES) {
            String envPrefix = envName(prefix);
            if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
                return prefix + name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
        }
        return null;
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void validate() {
        Map<String, String> known = readResource("mailroute-defaults.properties");
        for (String key : values.keySet()) {
            if (!known.containsKey(key) && PER_DOMAIN_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new SettingsException(key, values.get(key), "unknown setting (check the spelling; see the README for the list)");
            }
        }
        port("mailroute.http.port");
        port("mailroute.console.port");
        port("mailroute.broker.port");
        port("mailroute.smtp.port");
        positiveInt("mailroute.delivery.consumers");
        positiveInt("mailroute.delivery.max-internal-errors");
        positiveInt("mailroute.submit.consumers");
        positiveInt("mailroute.pickup.consumers");
        positiveInt("mailroute.pickup.max-attempts");
        nonNegativeInt("mailroute.delivery.max-per-domain");
        positiveInt("mailroute.smtp.connection.max-messages");
        duration("mailroute.dns.timeout");
        duration("mailroute.queue.max-lifetime");
        duration("mailroute.delay-warning");
        duration("mailroute.smtp.connect-timeout");
        duration("mailroute.smtp.command-timeout");
        duration("mailroute.smtp.data-timeout");
        duration("mailroute.smtp.connection.max-idle");
        duration("mailroute.dead.retention");
        positiveInt("mailroute.pickup.poll-ms");
        nonNegativeInt("mailroute.pickup.min-age-ms");
        retrySchedule();
        cron("mailroute.housekeeping.retention-cron");
        cron("mailroute.housekeeping.digest-cron");
        size("mailroute.message.max-size");
        long threshold = size("mailroute.message.spool-threshold");
        if (threshold < 1024 || threshold > 64L * 1024 * 1024) {
            throw new SettingsException("mailroute.message.spool-threshold", get("mailroute.message.spool-threshold"),
                    "must be between 1KB and 64MB (messages larger than this are kept in files, not in the heap)");
        }
        bool("mailroute.routes.reload");
        bool("mailroute.mime.convert-signed");
        tls("mailroute.tls");
        if (!get("mailroute.relayhost").isEmpty()) {
            hostPort("mailroute.relayhost");
        }
        for (String key : values.keySet()) {
            if (key.startsWith("mailroute.transport.")) {
                hostPort(key);
            } else if (key.startsWith("mailroute.tls.")) {
                tls(key);
            } else if (key.startsWith("mailroute.dkim.")) {
                dkimKey(key);
            }
        }
        for (String server : dnsServers()) {
            dnsServer(server);
        }
        String httpHost = get("mailroute.http.host");
        if (!isLoopback(httpHost) && get("mailroute.api.token").isEmpty()) {
            throw new SettingsException("mailroute.api.token", "", "required when mailroute.http.host (" + httpHost
                    + ") is not a loopback address: the HTTP API must not be open to the network without a token");
        }
        String brokerHost = get("mailroute.broker.host");
        if (get("mailroute.broker.url").isEmpty() && !isLoopback(brokerHost) && get("mailroute.broker.user").isEmpty()) {
            throw new SettingsException("mailroute.broker.user", "", "required when the embedded broker listens on "
                    + brokerHost + " (mailroute.broker.host), which is not a loopback address: set mailroute.broker.user and mailroute.broker.password");
        }
        port("mailroute.submission.port");
        String helo = get("mailroute.helo-name");
        if (!helo.matches("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?")) {
            throw new SettingsException("mailroute.helo-name", helo, "not a host name");
        }
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no setting " + key);
        }
        return v;
    }

    public Path dataDir() {
        return Path.of(get("mailroute.data.dir")).toAbsolutePath().normalize();
    }

    public int port(String key) {
        int p = integer(key);
        if (p < 0 || p > 65535) {
            throw new SettingsException(key, get(key), "not a port number (0-65535)");
        }
        return p;
    }

    public int positiveInt(String key) {
        int n = integer(key);
        if (n < 1) {
            throw new SettingsException(key, get(key), "must be 1 or more");
        }
        return n;
    }

    public int nonNegativeInt(String key) {
        int n = integer(key);
        if (n < 0) {
            throw new SettingsException(key, get(key), "must be 0 or more");
        }
        return n;
    }

    private int integer(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new SettingsException(key, get(key), "not a whole number");
        }
    }

    public boolean bool(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new SettingsException(key, get(key), "must be true or false");
        }
        return v.equals("true");
    }

    /** "30s", "5m", "4h", "5d", "500ms"; "0" is zero (the grammar of {@link Durations}). */
    public Duration duration(String key) {
        try {
            return Durations.parse(get(key));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key, get(key), e.getMessage());
        }
    }

    public RetrySchedule retrySchedule() {
        try {
            return RetrySchedule.parse(get("mailroute.retry.schedule"));
        } catch (IllegalArgumentException e) {
            throw new SettingsException("mailroute.retry.schedule", get("mailroute.retry.schedule"), e.getMessage());
        }
    }

    /** Bytes from "35MB", "512KB", "1048576". */
    public long size(String key) {
        Matcher m = SIZE.matcher(get(key));
        if (!m.matches()) {
            throw new SettingsException(key, get(key), "not a size: use a number optionally followed by KB, MB or GB");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit) {
                case "KB", "K" -> Math.multiplyExact(n, 1024L);
                case "MB", "M" -> Math.multiplyExact(n, 1024L * 1024);
                case "GB", "G" -> Math.multiplyExact(n, 1024L * 1024 * 1024);
                default -> n;
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new SettingsException(key, get(key), "too large");
        }
    }

    private void cron(String key) {
        try {
            new org.quartz.CronExpression(get(key));
        } catch (java.text.ParseException e) {
            throw new SettingsException(key, get(key), "not a Quartz cron expression (sec min hour day-of-month month day-of-week): " + e.getMessage());
        }
    }

    private String tls(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!List.of("may", "encrypt", "none").contains(v)) {
            throw new SettingsException(key, get(key), "must be may, encrypt or none");
        }
        return v;
    }

    /** mailroute.dkim.<domain>.<suffix>: the shape of the key and the simple values; key files are checked when they are loaded. */
    private void dkimKey(String key) {
        String rest = key.substring("mailroute.dkim.".length());
        int dot = rest.lastIndexOf('.');
        if (dot <= 0 || !DKIM_SUFFIXES.contains(rest.substring(dot + 1))) {
            throw new SettingsException(key, get(key), "unknown setting: expected mailroute.dkim.<domain>.selector, .key, .headers or .subdomains");
        }
        if (rest.endsWith(".subdomains")) {
            bool(key);
        }
    }

    /** Every setting whose key starts with {@code prefix}, keys as written (e.g. all mailroute.dkim.* settings). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** A next hop as routing reads it (HostPort): a host name or IPv4 address, or [IPv6], with an optional port. */
    private void hostPort(String key) {
        String v = get(key);
        try {
            HostPort hop = HostPort.parse(v, 25);
            boolean literal = v.strip().startsWith("[") ? HostPort.ipLiteral(hop.host()).isPresent() : hop.host().matches("[A-Za-z0-9.\\-]+");
            if (!literal) {
                throw new IllegalArgumentException("'" + hop.host() + "' is neither a host name nor an address");
            }
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key, v, "expected host or host:port (IPv6 as [addr]:port): " + e.getMessage());
        }
    }

    /** A DNS server as routing.DnsLookup reads it: an IP address, optionally with a port. */
    private void dnsServer(String server) {
        boolean address;
        try {
            address = HostPort.ipLiteral(HostPort.parse(server, 53).host()).isPresent();
        } catch (IllegalArgumentException e) {
            throw new SettingsException("mailroute.dns.servers", get("mailroute.dns.servers"), e.getMessage());
        }
        if (!address) {
            throw new SettingsException("mailroute.dns.servers", get("mailroute.dns.servers"), "'" + server
                    + "' is not an IP address or ip:port (a DNS server given by name would itself need DNS)");
        }
    }

    /** TLS policy for a recipient domain: mailroute.tls.<domain>, else mailroute.tls. */
    public String tlsPolicy(String asciiDomain) {
        String v = values.get("mailroute.tls." + asciiDomain);
        return (v != null ? v : get("mailroute.tls")).toLowerCase(Locale.ROOT);
    }

    /**
     * TLS policy for a next-hop host: mailroute.tls.<name> for the host or any parent domain of it
     * (so mailroute.tls.example.org covers mx1.example.org), else mailroute.tls.
     */
    public String tlsPolicyForHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        while (!h.isEmpty()) {
            String v = values.get("mailroute.tls." + h);
            if (v != null) {
                return v.toLowerCase(Locale.ROOT);
            }
            int dot = h.indexOf('.');
            h = dot < 0 ? "" : h.substring(dot + 1);
        }
        return get("mailroute.tls").toLowerCase(Locale.ROOT);
    }

    /** Static next hops: recipient domain → host:port. */
    public Map<String, String> transports() {
        Map<String, String> t = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("mailroute.transport.")) {
                t.put(k.substring("mailroute.transport.".length()).toLowerCase(Locale.ROOT), v);
            }
        });
        return t;
    }

    public List<String> dnsServers() {
        return csv("mailroute.dns.servers");
    }

    public List<String> csv(String key) {
        return Arrays.stream(get(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public String heloName() {
        return get("mailroute.helo-name");
    }

    /** Properties handed to Camel so routes can use {{mailroute.*}} placeholders. */
    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(values);
        p.setProperty("mailroute.data.dir", dataDir().toString());
        return p;
    }

    /**
     * Whether a configured host is a loopback address: "localhost", 127.0.0.0/8 or ::1 (brackets allowed). Any other
     * name is not, and no DNS is asked: a listener's safety must not depend on what a resolver answers.
     */
    public static boolean isLoopback(String host) {
        String h = host.strip();
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        byte[] address = org.xbill.DNS.Address.toByteArray(bare, org.xbill.DNS.Address.IPv4);
        if (address == null) {
            address = org.xbill.DNS.Address.toByteArray(bare, org.xbill.DNS.Address.IPv6);
        }
        try {
            return address != null && InetAddress.getByAddress(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String machineName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && env.contains(".")) {
            return env;
        }
        try {
            // Only the local host name: no DNS query leaves the machine for this.
            String name = InetAddress.getLocalHost().getHostName();
            return name.contains(".") ? name : name + ".localdomain";
        } catch (UnknownHostException e) {
            return "localhost.localdomain";
        }
    }

    private static Map<String, String> mailrouteKeys(Map<String, String> all) {
        Map<String, String> m = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("mailroute.")) {
                m.put(k, v);
            }
        });
        return m;
    }

    private static Map<String, String> readResource(String name) {
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return Map.of();
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return toMap(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return toMap(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new TreeMap<>();
        for (String n : p.stringPropertyNames()) {
            m.put(n, p.getProperty(n));
        }
        return m;
    }

    /** A setting with a wrong value; the message is the one line printed at startup. */
    public static final class SettingsException extends RuntimeException {
        public SettingsException(String key, String value, String problem) {
            super("invalid setting " + key + "=" + value + ": " + problem);
        }
    }
}
