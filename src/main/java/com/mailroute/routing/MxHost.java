package com.mailroute.routing;

/** One MX record: the exchange host name (ASCII, no trailing dot) and its preference. */
public record MxHost(String host, int preference) {
}
