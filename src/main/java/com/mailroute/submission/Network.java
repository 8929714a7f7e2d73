package com.mailroute.submission;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** One CIDR block of mailroute.submission.networks: "10.0.0.0/8", "2001:db8::/32", or a single address. */
public record Network(InetAddress base, int prefix) {

    /** Parses an IP literal with an optional /prefix; never resolves a name. */
    public static Network parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (!address.matches("[0-9.]+") && !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
        }
        InetAddress base;
        try {
            base = InetAddress.getByName(address); // a literal: no DNS query
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
        }
        int bits = base.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the prefix after / is not a number");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + text + "': the prefix must be 0 to " + bits);
        }
        return new Network(base, prefix);
    }

    public boolean contains(InetAddress a) {
        byte[] net = base.getAddress();
        byte[] addr = a.getAddress();
        if (net.length != addr.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != addr[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (net[full] & mask) == (addr[full] & mask);
    }

    @Override
    public String toString() {
        return base.getHostAddress() + "/" + prefix;
    }
}
