package com.mailroute.delivery;

import com.mailroute.routing.NextHop;
import com.mailroute.routing.ResolutionException;

import java.util.List;

/**
 * Where a domain's mail goes, in the order to try. {@code NextHopResolver::resolve} (static route, relayhost or MX)
 * in production; a fixed list in tests, so fail-over can be tested without DNS.
 */
@FunctionalInterface
public interface NextHops {

    List<NextHop> resolve(String asciiDomain) throws ResolutionException;
}
