package com.mailroute.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.xbill.DNS.Address;

/**
 * A configured "host:port" value (static transport, relayhost, DNS server): a name, an IPv4 literal
 * or a bracketed IPv6 literal, with an optional port.
 */
public record HostPort(String host, int port) {

    /** Parses "host", "host:port", "1.2.3.4:25", "[::1]", "[::1]:2525"; a bare "::1" is a host without port. */
    public static HostPort parse(String value, int defaultPort) {
        String text = value.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty host:port value");
        }
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in " + value);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':port' after ']' in " + value);
                }
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in " + value);
        }
        return new HostPort(host, port == null ? defaultPort : parsePort(port, value));
    }

    private static int parsePort(String port, String value) {
        try {
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("port out of range in " + value);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in " + value, e);
        }
    }

    /** The address when {@code host} is an IPv4 or IPv6 literal (brackets allowed); never asks DNS. */
    public static Optional<InetAddress> ipLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (Address.toByteArray(bare, Address.IPv4) == null && Address.toByteArray(bare, Address.IPv6) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Address.getByAddress(bare));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
