package com.mailroute.routing;

import java.net.InetAddress;

/**
 * One place to try delivering to: a host name (as found in MX, static route or relayhost),
 * one of its addresses, the port, and where it came from ("mx 10", "implicit mx", "transport", "relayhost")
 * so logs can say why this host was chosen.
 */
public record NextHop(String host, InetAddress address, int port, String source) {

    @Override
    public String toString() {
        return host + " [" + address.getHostAddress() + "]:" + port;
    }
}
