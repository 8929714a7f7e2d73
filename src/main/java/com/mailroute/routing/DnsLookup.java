package com.mailroute.routing;

import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * MX and address lookups through dnsjava only (never the JVM's resolver), against the configured
 * servers, with a cache that honours record TTLs and negative answers' SOA minimum and keeps at most
 * {@code cacheMaxEntries} names (least recently used evicted first).
 *
 * <p>Addresses come A first, then AAAA: a relay host is more likely to have working IPv4 than
 * IPv6, and a broken IPv6 route would cost a connect timeout on every delivery.
 */
public final class DnsLookup {

    /** Cap on caching "does not exist" answers, so a newly created domain or record is seen soon. */
    private static final int MAX_NEGATIVE_TTL_SECONDS = 300;
    /** How late dnsjava's I/O loop may notice that a query timed out. */
    private static final Duration TIMEOUT_TICK = Duration.ofSeconds(1);

    private final Resolver resolver;
    private final Cache cache;
    private final String serversText;
    private final Duration timeout;

    /**
     * @param servers "host:port" or "host" entries, host an IP literal (e.g. "127.0.0.1:5353", "[::1]:53");
     *                empty = the system's resolvers (dnsjava ResolverConfig)
     * @param timeout how long to wait for each server's answer to one query (dnsjava may notice up to 1 s later)
     * @param cacheMaxEntries names kept in the cache; 0 disables caching
     */
    public DnsLookup(List<String> servers, Duration timeout, int cacheMaxEntries) {
        List<InetSocketAddress> addresses = servers.isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : servers.stream().map(DnsLookup::serverAddress).toList();
        List<Resolver> perServer = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            SimpleResolver simple = new SimpleResolver(address);
            simple.setTimeout(timeout);
            perServer.add(simple);
        }
        // One try per server, next server on failure. dnsjava notices a silent server on a one-second
        // tick, so each server may take up to timeout + 1 s; the overall limit must leave room for all.
        ExtendedResolver extended = new ExtendedResolver(perServer);
        extended.setRetries(1);
        extended.setTimeout(timeout.plus(TIMEOUT_TICK).multipliedBy(perServer.size()));
        this.resolver = extended;
        this.cache = new Cache(DClass.IN);
        cache.setMaxEntries(cacheMaxEntries);
        cache.setMaxNCache(MAX_NEGATIVE_TTL_SECONDS);
        this.timeout = timeout;
        this.serversText = addresses.stream()
                .map(a -> new HostPort(a.getAddress().getHostAddress(), a.getPort()).toString())
                .collect(Collectors.joining(", "));
    }

    private static InetSocketAddress serverAddress(String entry) {
        HostPort server = HostPort.parse(entry, SimpleResolver.DEFAULT_PORT);
        InetAddress address = HostPort.ipLiteral(server.host()).orElseThrow(() -> new IllegalArgumentException(
                "DNS server must be an IP address (a name would need DNS to find DNS): " + entry));
        return new InetSocketAddress(address, server.port());
    }

    /**
     * Asks the servers for the root zone's SOA, bypassing the cache: any answer, even a refusal, shows that a
     * resolver is reachable (the health check's question).
     *
     * @throws java.io.IOException naming the servers asked, when none answered
     */
    public void ping() throws java.io.IOException {
        try {
            resolver.send(org.xbill.DNS.Message.newQuery(Record.newRecord(Name.root, Type.SOA, DClass.IN)));
        } catch (java.io.IOException e) {
            throw new java.io.IOException("no answer from " + serversText + ": " + e.getMessage(), e);
        }
    }

    /**
     * The domain's MX hosts, sorted by preference, equal preferences in random order; empty when the
     * domain exists but has no MX record.
     *
     * @throws ResolutionException permanent 5.1.10 for a null MX (RFC 7505), permanent 5.1.2 for
     *                             NXDOMAIN, transient 4.4.3 for SERVFAIL, timeout and other DNS failures
     */
    public List<MxHost> mx(String asciiDomain) throws ResolutionException {
        String domain = asciiName(asciiDomain);
        List<MxHost> hosts = new ArrayList<>();
        boolean nullMx = false;
        for (Record record : query(domain, Type.MX)) {
            if (record instanceof MXRecord mx) {
                if (mx.getTarget().equals(Name.root)) {
                    nullMx = true; // "MX 0 ." never names a host; any real MX beside it still counts
                } else {
                    hosts.add(new MxHost(hostName(mx.getTarget()), mx.getPriority()));
                }
            }
        }
        if (nullMx && hosts.isEmpty()) {
            throw new ResolutionException(true, "5.1.10",
                    domain + ": the domain accepts no mail (null MX record \"MX 0 .\", RFC 7505)");
        }
        // Shuffle, then a stable sort: equal preferences keep their random order (RFC 5321 5.1).
        Collections.shuffle(hosts, ThreadLocalRandom.current());
        hosts.sort(Comparator.comparingInt(MxHost::preference));
        return hosts;
    }

    /**
     * The host's A addresses then its AAAA addresses; an IP literal is returned as it is without DNS.
     * Empty when the name exists but has neither. If one of the two lookups fails transiently, the
     * other's addresses are returned; the failure is thrown only when nothing was found.
     *
     * @throws ResolutionException permanent 5.1.2 for NXDOMAIN, transient 4.4.3 for SERVFAIL/timeout
     */
    public List<InetAddress> addresses(String asciiHost) throws ResolutionException {
        var literal = HostPort.ipLiteral(asciiHost);
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        String host = asciiName(asciiHost);
        List<InetAddress> addresses = new ArrayList<>();
        ResolutionException transientFailure = null;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                for (Record record : query(host, type)) {
                    if (record instanceof ARecord a) {
                        addresses.add(a.getAddress());
                    } else if (record instanceof AAAARecord aaaa) {
                        addresses.add(aaaa.getAddress());
                    }
                }
            } catch (ResolutionException e) {
                if (e.permanent()) {
                    throw e;
                }
                transientFailure = e;
            }
        }
        if (addresses.isEmpty() && transientFailure != null) {
            throw transientFailure;
        }
        return addresses;
    }

    /**
     * The name's TXT records, each one's strings joined into one text (how RFC 6376 3.6.2.2 reads a DKIM key record);
     * empty when the name or its TXT records do not exist.
     *
     * @throws ResolutionException transient 4.4.3 for SERVFAIL, timeout and other DNS failures
     */
    public List<String> txt(String name) throws ResolutionException {
        Record[] records;
        try {
            records = query(asciiName(name), Type.TXT);
        } catch (ResolutionException e) {
            if (e.permanent()) {
                return List.of();
            }
            throw e;
        }
        List<String> texts = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof TXTRecord txt) {
                StringBuilder joined = new StringBuilder();
                txt.getStringsAsByteArrays().forEach(b -> joined.append(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)));
                texts.add(joined.toString());
            }
        }
        return texts;
    }

    /** Records of one type for the name (empty for NODATA), read through the cache. */
    private Record[] query(String name, int type) throws ResolutionException {
        Lookup lookup = new Lookup(absoluteName(name), type, DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setHostsFileParser(null); // /etc/hosts is not DNS and must not decide where mail goes
        lookup.setCycleResults(false);
        Record[] records = lookup.run();
        String question = Type.string(type) + " " + name;
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                return records;
            case Lookup.TYPE_NOT_FOUND:
                return new Record[0];
            case Lookup.HOST_NOT_FOUND:
                throw new ResolutionException(true, "5.1.2",
                        name + ": the domain does not exist (NXDOMAIN answering " + question + ")");
            case Lookup.TRY_AGAIN:
                throw new ResolutionException(false, "4.4.3", name + ": DNS lookup failed for now ("
                        + question + ": " + failure(lookup) + ", asking " + serversText + ")");
            default:
                throw new ResolutionException(false, "4.4.3", name + ": DNS lookup failed ("
                        + question + ": " + lookup.getErrorString() + ", asking " + serversText + ")");
        }
    }

    private String failure(Lookup lookup) {
        String error = lookup.getErrorString();
        if (error.equals("timed out") || error.equals("network error")) {
            return "no answer (timeout " + timeout.toMillis() + " ms)";
        }
        return "server answered " + error;
    }

    /**
     * The ASCII (A-label) form of a domain, lower case, without trailing dot. Callers should pass
     * A-labels already; converting here too keeps a U-label from being sent to DNS as it is.
     */
    static String asciiName(String domain) throws ResolutionException {
        String trimmed = domain.trim();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            return IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new ResolutionException(true, "5.1.2", domain + ": not a valid domain name (" + e.getMessage() + ")");
        }
    }

    private static Name absoluteName(String name) throws ResolutionException {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new ResolutionException(true, "5.1.2", name + ": not a valid domain name (" + e.getMessage() + ")");
        }
    }

    private static String hostName(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }
}
