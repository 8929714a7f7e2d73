package com.mailroute.submission;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may submit without AUTH: clients on loopback and in mailroute.submission.networks. Everyone else
 * must authenticate first, so the listener is never an open relay.
 */
public record ClientPolicy(boolean trustLoopback, List<Network> networks) {

    public static ClientPolicy of(List<Network> networks) {
        return new ClientPolicy(true, List.copyOf(networks));
    }

    public boolean trusted(InetAddress client) {
        return (trustLoopback && client.isLoopbackAddress()) || networks.stream().anyMatch(n -> n.contains(client));
    }
}
