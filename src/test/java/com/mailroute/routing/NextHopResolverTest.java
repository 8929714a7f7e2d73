package com.mailroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mailroute.testsupport.TestDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NextHopResolverTest {

    private static final String ZONE = """
            $TTL 3600
            ordered.test.          MX 20 mx2.ordered.test.
            ordered.test.          MX 10 mx1.ordered.test.
            mx1.ordered.test.      A  127.0.0.11
            mx2.ordered.test.      A  127.0.0.12

            equal.test.            MX 10 a.equal.test.
            equal.test.            MX 10 b.equal.test.
            equal.test.            MX 30 c.equal.test.
            a.equal.test.          A  127.0.0.21
            b.equal.test.          A  127.0.0.22
            c.equal.test.          A  127.0.0.23

            implicit.test.         A  127.0.0.31
            bare.test.             TXT "exists, but neither MX nor address"

            nullmx.test.           MX 0 .

            noaddr.test.           MX 10 mx.noaddr.test.
            noaddr.test.           MX 20 gone.noaddr.test.
            mx.noaddr.test.        TXT "no address here"

            servfail.test.         MX 10 mx1.ordered.test.
            timeout.test.          MX 10 mx1.ordered.test.

            partial.test.          MX 10 slow.partial.test.
            partial.test.          MX 20 ok.partial.test.
            ok.partial.test.       A  127.0.0.91
            allbroken.test.        MX 10 broken.allbroken.test.
            allbroken.test.        MX 20 gone.allbroken.test.

            v6.test.               MX 10 mx.v6.test.
            mx.v6.test.            A    127.0.0.41
            mx.v6.test.            AAAA ::1

            routed.test.           MX 10 mx1.ordered.test.
            route.test.            A  127.0.0.71
            relay.test.            A  127.0.0.61

            xn--bcher-kva.test.    MX 10 mx.xn--bcher-kva.test.
            mx.xn--bcher-kva.test. A  127.0.0.81
            """;

    private static TestDnsServer server;
    private static DnsLookup dns;
    private static DnsLookup impatientDns;

    @BeforeAll
    static void startDns() {
        server = TestDnsServer.start(ZONE);
        server.servfail("servfail.test");
        server.servfail("broken.allbroken.test");
        server.neverAnswer("timeout.test");
        server.neverAnswer("slow.partial.test");
        dns = new DnsLookup(List.of(server.address()), Duration.ofSeconds(3), 1000);
        impatientDns = new DnsLookup(List.of(server.address()), Duration.ofMillis(300), 1000);
    }

    @AfterAll
    static void stopDns() {
        server.close();
    }

    private static NextHopResolver byMx(DnsLookup lookup) {
        return new NextHopResolver(lookup, Map.of(), "", 25);
    }

    private static InetAddress ip(String literal) {
        return HostPort.ipLiteral(literal).orElseThrow();
    }

    @Test
    void resolveShouldOrderMxHostsByPreference() throws Exception {
        List<NextHop> hops = byMx(dns).resolve("ordered.test");

        assertThat(hops).containsExactly(
                new NextHop("mx1.ordered.test", ip("127.0.0.11"), 25, "mx 10"),
                new NextHop("mx2.ordered.test", ip("127.0.0.12"), 25, "mx 20"));
    }

    @Test
    void resolveShouldShuffleEqualPreferencesAndKeepHigherOnesLast() throws Exception {
        NextHopResolver resolver = byMx(dns);
        Set<List<String>> ordersSeen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            List<NextHop> hops = resolver.resolve("equal.test");
            List<String> hosts = hops.stream().map(NextHop::host).toList();
            assertThat(hosts).hasSize(3).endsWith("c.equal.test");
            assertThat(hops.get(2).source()).isEqualTo("mx 30");
            ordersSeen.add(hosts);
        }

        assertThat(ordersSeen).containsExactlyInAnyOrder(
                List.of("a.equal.test", "b.equal.test", "c.equal.test"),
                List.of("b.equal.test", "a.equal.test", "c.equal.test"));
    }

    @Test
    void resolveShouldUseTheDomainsOwnAddressWhenItHasNoMx() throws Exception {
        List<NextHop> hops = byMx(dns).resolve("implicit.test");

        assertThat(hops).containsExactly(new NextHop("implicit.test", ip("127.0.0.31"), 25, "implicit mx"));
    }

    @Test
    void resolveShouldUseTheConfiguredSmtpPortForMxHosts() throws Exception {
        List<NextHop> hops = new NextHopResolver(dns, Map.of(), "", 2525).resolve("implicit.test");

        assertThat(hops).extracting(NextHop::port).containsExactly(2525);
    }

    @Test
    void resolveShouldFailPermanentlyWhenDomainHasNoMxAndNoAddress() {
        assertThatThrownBy(() -> byMx(dns).resolve("bare.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.enhancedStatus()).isEqualTo("5.1.2");
                    assertThat(e.getMessage()).contains("bare.test").contains("no MX record and no A/AAAA");
                });
    }

    @Test
    void resolveShouldFailPermanentlyWithNullMx() {
        assertThatThrownBy(() -> byMx(dns).resolve("nullmx.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.enhancedStatus()).isEqualTo("5.1.10");
                    assertThat(e.getMessage()).contains("nullmx.test").contains("null MX").contains("MX 0 .");
                });
    }

    @Test
    void resolveShouldFailPermanentlyOnNxdomain() {
        assertThatThrownBy(() -> byMx(dns).resolve("nosuchdomain.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.enhancedStatus()).isEqualTo("5.1.2");
                    assertThat(e.getMessage()).contains("nosuchdomain.test").contains("NXDOMAIN");
                });
    }

    @Test
    void resolveShouldFailPermanentlyWhenNoMxHostHasAnAddress() {
        assertThatThrownBy(() -> byMx(dns).resolve("noaddr.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.enhancedStatus()).isEqualTo("5.1.2");
                    assertThat(e.getMessage())
                            .startsWith("noaddr.test: no MX host has an address")
                            .contains("mx.noaddr.test: no A/AAAA record")
                            .contains("gone.noaddr.test").contains("NXDOMAIN");
                });
    }

    @Test
    void resolveShouldReturnTransientFailureOnServfail() {
        assertThatThrownBy(() -> byMx(dns).resolve("servfail.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
                    assertThat(e.getMessage()).contains("servfail.test").contains("SERVFAIL").contains("MX");
                });
    }

    @Test
    void resolveShouldReturnTransientFailureOnTimeout() {
        assertThatThrownBy(() -> byMx(impatientDns).resolve("timeout.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
                    assertThat(e.getMessage()).contains("timeout.test").contains("no answer (timeout 300 ms)");
                });
        assertThat(server.queries("timeout.test", "MX")).isPositive();
    }

    @Test
    void resolveShouldSkipAnMxHostWhoseLookupTimesOutWhenAnotherHasAnAddress() throws Exception {
        List<NextHop> hops = byMx(impatientDns).resolve("partial.test");

        assertThat(hops).containsExactly(new NextHop("ok.partial.test", ip("127.0.0.91"), 25, "mx 20"));
        assertThat(server.queries("slow.partial.test", "A")).isPositive();
    }

    @Test
    void resolveShouldFailTransientlyWhenNoMxHostResolvesAndOneFailedTemporarily() {
        assertThatThrownBy(() -> byMx(dns).resolve("allbroken.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
                    assertThat(e.getMessage()).startsWith("allbroken.test: no MX host could be resolved for now")
                            .contains("broken.allbroken.test").contains("SERVFAIL")
                            .contains("gone.allbroken.test").contains("NXDOMAIN");
                });
    }

    @Test
    void resolveShouldReturnIpv4ThenIpv6AddressesOfAnMxHost() throws Exception {
        List<NextHop> hops = byMx(dns).resolve("v6.test");

        assertThat(hops).containsExactly(
                new NextHop("mx.v6.test", ip("127.0.0.41"), 25, "mx 10"),
                new NextHop("mx.v6.test", ip("::1"), 25, "mx 10"));
    }

    @Test
    void resolveShouldPreferStaticTransportOverMxAndRelayhost() throws Exception {
        NextHopResolver resolver = new NextHopResolver(dns, Map.of("routed.test", "route.test:2526"), "relay.test:2527", 25);

        assertThat(resolver.resolve("routed.test"))
                .containsExactly(new NextHop("route.test", ip("127.0.0.71"), 2526, "transport"));
    }

    @Test
    void resolveShouldPreferRelayhostOverMx() throws Exception {
        NextHopResolver resolver = new NextHopResolver(dns, Map.of("other.test", "route.test"), "relay.test:2527", 25);

        assertThat(resolver.resolve("ordered.test"))
                .containsExactly(new NextHop("relay.test", ip("127.0.0.61"), 2527, "relayhost"));
    }

    @Test
    void resolveShouldAcceptIpLiteralRoutesWithDefaultPortWithoutDns() throws Exception {
        int queriesBefore = server.totalQueries();
        NextHopResolver resolver = new NextHopResolver(dns,
                Map.of("routed.test", "127.0.0.72", "v6.test", "[::1]:2528"), "", 25);

        assertThat(resolver.resolve("routed.test")).containsExactly(new NextHop("127.0.0.72", ip("127.0.0.72"), 25, "transport"));
        assertThat(resolver.resolve("v6.test")).containsExactly(new NextHop("::1", ip("::1"), 2528, "transport"));
        assertThat(server.totalQueries()).isEqualTo(queriesBefore);
    }

    @Test
    void resolveShouldFailTransientlyWhenRelayhostDoesNotExist() {
        NextHopResolver resolver = new NextHopResolver(dns, Map.of(), "missing-relay.test:587", 25);

        assertThatThrownBy(() -> resolver.resolve("ordered.test"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.enhancedStatus()).isEqualTo("4.4.3");
                    assertThat(e.getMessage()).startsWith("ordered.test: relayhost missing-relay.test:587 cannot be resolved")
                            .contains("NXDOMAIN");
                });
    }

    @Test
    void resolveShouldLookUpIdnDomainsInALabelForm() throws Exception {
        List<NextHop> fromALabel = byMx(dns).resolve("xn--bcher-kva.test");
        List<NextHop> fromULabel = byMx(dns).resolve("bücher.test");

        NextHop expected = new NextHop("mx.xn--bcher-kva.test", ip("127.0.0.81"), 25, "mx 10");
        assertThat(fromALabel).containsExactly(expected);
        assertThat(fromULabel).containsExactly(expected);
        assertThat(server.queries("xn--bcher-kva.test", "MX")).isEqualTo(1); // the second came from the cache
    }

    @Test
    void resolveShouldMatchStaticTransportOfIdnDomainGivenInEitherForm() throws Exception {
        NextHopResolver resolver = new NextHopResolver(dns, Map.of("bücher.test", "127.0.0.73:2529"), "", 25);

        assertThat(resolver.resolve("xn--bcher-kva.test"))
                .containsExactly(new NextHop("127.0.0.73", ip("127.0.0.73"), 2529, "transport"));
    }

    @Test
    void constructorShouldRejectARouteWithABadPort() {
        assertThatThrownBy(() -> new NextHopResolver(dns, Map.of("a.test", "host.test:smtp"), "", 25))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host.test:smtp");
    }
}
