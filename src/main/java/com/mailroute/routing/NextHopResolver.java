package com.mailroute.routing;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where mail for one domain goes: the domain's static transport if configured, else the
 * relayhost if configured, else the domain's MX hosts (or its own address when it has no MX).
 *
 * <p>A static transport or relayhost that cannot be resolved is a configuration or DNS problem on
 * our side, not a verdict on the recipient, so it always fails transiently (4.4.3): fixing the
 * setting lets the queued mail go out instead of bouncing it.
 */
public final class NextHopResolver {

    private static final Logger LOG = LoggerFactory.getLogger(NextHopResolver.class);
    private static final int DEFAULT_PORT = 25;

    private final DnsLookup dns;
    private final Map<String, HostPort> transports = new HashMap<>();
    private final HostPort relayhost;
    private final int smtpPort;

    /**
     * @param transports asciiDomain -> "host:port" static routes (mailroute.transport.&lt;domain&gt;)
     * @param relayhost  "" or "host:port"
     * @param smtpPort   port used for MX hosts (normally 25)
     * @throws IllegalArgumentException when a route or the relayhost is not a valid host:port
     */
    public NextHopResolver(DnsLookup dns, Map<String, String> transports, String relayhost, int smtpPort) {
        this.dns = dns;
        transports.forEach((domain, route) -> this.transports.put(routeKey(domain), HostPort.parse(route, DEFAULT_PORT)));
        this.relayhost = relayhost == null || relayhost.isBlank() ? null : HostPort.parse(relayhost, DEFAULT_PORT);
        this.smtpPort = smtpPort;
    }

    private static String routeKey(String domain) {
        try {
            return DnsLookup.asciiName(domain);
        } catch (ResolutionException e) {
            throw new IllegalArgumentException("invalid domain in static transport: " + domain, e);
        }
    }

    /** Ordered list of hops to try for one delivery attempt; never empty. */
    public List<NextHop> resolve(String asciiDomain) throws ResolutionException {
        if (asciiDomain.startsWith("[") && asciiDomain.endsWith("]")) {
            return addressLiteral(asciiDomain);
        }
        String domain = DnsLookup.asciiName(asciiDomain);
        HostPort transport = transports.get(domain);
        if (transport != null) {
            return configuredHops(domain, transport, "transport");
        }
        if (relayhost != null) {
            return configuredHops(domain, relayhost, "relayhost");
        }
        return mxHops(domain);
    }

    /** user@[192.0.2.1] or user@[IPv6:2001:db8::1] (RFC 5321 4.1.3): that address itself, no DNS. */
    private List<NextHop> addressLiteral(String literal) throws ResolutionException {
        String inner = literal.substring(1, literal.length() - 1);
        String ip = inner.regionMatches(true, 0, "IPv6:", 0, 5) ? inner.substring(5) : inner;
        List<InetAddress> addresses;
        try {
            addresses = dns.addresses(ip);
        } catch (ResolutionException e) {
            throw new ResolutionException(true, "5.1.2", literal + ": not a usable address literal (" + e.getMessage() + ")");
        }
        return hops(literal, addresses, smtpPort, "address literal");
    }

    private List<NextHop> configuredHops(String domain, HostPort target, String source) throws ResolutionException {
        List<InetAddress> addresses;
        try {
            addresses = dns.addresses(target.host());
        } catch (ResolutionException e) {
            throw new ResolutionException(false, "4.4.3",
                    domain + ": " + source + " " + target + " cannot be resolved: " + e.getMessage());
        }
        if (addresses.isEmpty()) {
            throw new ResolutionException(false, "4.4.3",
                    domain + ": " + source + " " + target + " has no A/AAAA record");
        }
        return hops(target.host(), addresses, target.port(), source);
    }

    private List<NextHop> mxHops(String domain) throws ResolutionException {
        List<MxHost> mxHosts = dns.mx(domain);
        if (mxHosts.isEmpty()) {
            // RFC 5321 5.1: no MX means the domain itself is the mail host.
            List<InetAddress> addresses = dns.addresses(domain);
            if (addresses.isEmpty()) {
                throw new ResolutionException(true, "5.1.2", domain + ": the domain has no MX record and no A/AAAA record");
            }
            return hops(domain, addresses, smtpPort, "implicit mx");
        }
        List<NextHop> hops = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean transientProblem = false;
        for (MxHost mx : mxHosts) {
            try {
                List<InetAddress> addresses = dns.addresses(mx.host());
                if (addresses.isEmpty()) {
                    problems.add(mx.host() + ": no A/AAAA record");
                }
                hops.addAll(hops(mx.host(), addresses, smtpPort, "mx " + mx.preference()));
            } catch (ResolutionException e) {
                problems.add(e.getMessage());
                transientProblem |= !e.permanent();
            }
        }
        if (!hops.isEmpty()) {
            if (!problems.isEmpty()) {
                LOG.info("{}: skipping MX hosts without usable address: {}", domain, String.join("; ", problems));
            }
            return hops;
        }
        if (transientProblem) {
            throw new ResolutionException(false, "4.4.3",
                    domain + ": no MX host could be resolved for now: " + String.join("; ", problems));
        }
        throw new ResolutionException(true, "5.1.2", domain + ": no MX host has an address: " + String.join("; ", problems));
    }

    private static List<NextHop> hops(String host, List<InetAddress> addresses, int port, String source) {
        return addresses.stream().map(address -> new NextHop(host, address, port, source)).toList();
    }
}
