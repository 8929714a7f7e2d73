package com.mailroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mailroute.testsupport.TestDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DnsLookupTest {

    private static final String ZONE = """
            $TTL 3600
            example.test.      MX 20 mx2.example.test.
            example.test.      MX 10 mx1.example.test.
            mx1.example.test.  A    127.0.0.2
            mx1.example.test.  AAAA ::1
            a.test.            A    127.0.0.3
            b.test.            A    127.0.0.4
            noaddr.test.       TXT  "exists without address"
            alias.test.        CNAME a.test.
            """;

    private TestDnsServer server;

    @AfterEach
    void stopDns() {
        if (server != null) {
            server.close();
        }
    }

    private DnsLookup lookup(String zone, int cacheMaxEntries) {
        server = TestDnsServer.start(zone);
        return new DnsLookup(List.of(server.address()), Duration.ofSeconds(3), cacheMaxEntries);
    }

    private static InetAddress ip(String literal) {
        return HostPort.ipLiteral(literal).orElseThrow();
    }

    @Test
    void mxShouldReturnHostsSortedByPreference() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        assertThat(dns.mx("example.test"))
                .containsExactly(new MxHost("mx1.example.test", 10), new MxHost("mx2.example.test", 20));
    }

    @Test
    void mxShouldReturnEmptyListWhenDomainHasNoMx() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        assertThat(dns.mx("a.test")).isEmpty();
        assertThat(server.queries("a.test", "MX")).isEqualTo(1);
    }

    @Test
    void addressesShouldReturnARecordsThenAaaaRecords() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        assertThat(dns.addresses("mx1.example.test")).containsExactly(ip("127.0.0.2"), ip("::1"));
    }

    @Test
    void addressesShouldFollowCname() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        assertThat(dns.addresses("alias.test")).containsExactly(ip("127.0.0.3"));
    }

    @Test
    void addressesShouldReturnEmptyListWhenNameHasNoAddress() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        assertThat(dns.addresses("noaddr.test")).isEmpty();
    }

    @Test
    void addressesShouldReturnIpLiteralsWithoutAskingDns() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        assertThat(dns.addresses("127.0.0.9")).containsExactly(ip("127.0.0.9"));
        assertThat(dns.addresses("[::1]")).containsExactly(ip("::1"));
        assertThat(server.totalQueries()).isZero();
    }

    @Test
    void addressesShouldAskTheConfiguredServerNotTheHostsFile() {
        DnsLookup dns = lookup(ZONE, 100);

        assertThatThrownBy(() -> dns.addresses("localhost"))
                .isInstanceOfSatisfying(ResolutionException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.enhancedStatus()).isEqualTo("5.1.2");
                    assertThat(e.getMessage()).isEqualTo("localhost: the domain does not exist (NXDOMAIN answering A localhost)");
                });
        assertThat(server.queries("localhost", "A")).isEqualTo(1);
    }

    @Test
    void addressesShouldFetchLargeAnswersOverTcpAfterTruncation() throws Exception {
        String many = IntStream.rangeClosed(1, 200)
                .mapToObj(i -> "many.test. A 127.0." + (i / 100) + "." + (i % 100 + 1))
                .collect(Collectors.joining("\n"));
        DnsLookup dns = lookup(many, 100);

        List<InetAddress> addresses = dns.addresses("many.test");

        assertThat(addresses).hasSize(200).contains(ip("127.0.0.2"), ip("127.0.2.1"));
        assertThat(server.queries("many.test", "A")).isEqualTo(2); // UDP answer truncated, then TCP
    }

    @Test
    void mxShouldAnswerRepeatedLookupsFromTheCache() throws Exception {
        DnsLookup dns = lookup(ZONE, 100);

        List<MxHost> first = dns.mx("example.test");
        List<MxHost> second = dns.mx("example.test");
        dns.addresses("mx1.example.test");
        dns.addresses("mx1.example.test");

        assertThat(second).isEqualTo(first);
        assertThat(server.queries("example.test", "MX")).isEqualTo(1);
        assertThat(server.queries("mx1.example.test", "A")).isEqualTo(1);
        assertThat(server.queries("mx1.example.test", "AAAA")).isEqualTo(1);
    }

    @Test
    void cacheShouldRememberNxdomainForTheSoaMinimum() {
        DnsLookup dns = lookup(ZONE, 100);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> dns.mx("missing.test"))
                    .isInstanceOfSatisfying(ResolutionException.class, e -> assertThat(e.enhancedStatus()).isEqualTo("5.1.2"));
        }
        assertThat(server.queries("missing.test", "MX")).isEqualTo(1);
    }

    @Test
    void cacheShouldAskAgainOnceTheTtlHasExpired() throws Exception {
        // TTL 2: the cache counts whole seconds, so an immediate repeat is surely still cached.
        DnsLookup dns = lookup("$TTL 2\nshort.test. A 127.0.0.5\n", 100);

        assertThat(dns.addresses("short.test")).containsExactly(ip("127.0.0.5"));
        assertThat(dns.addresses("short.test")).containsExactly(ip("127.0.0.5"));
        assertThat(server.queries("short.test", "A")).isEqualTo(1);

        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(dns.addresses("short.test")).containsExactly(ip("127.0.0.5"));
            assertThat(server.queries("short.test", "A")).isEqualTo(2);
        });
    }

    @Test
    void cacheShouldForgetLeastRecentlyUsedNamesBeyondItsSize() throws Exception {
        DnsLookup small = lookup(ZONE, 1);

        small.addresses("a.test");
        small.addresses("b.test");
        small.addresses("a.test");

        assertThat(server.queries("a.test", "A")).isEqualTo(2);
    }

    @Test
    void cacheShouldKeepNamesWhileWithinItsSize() throws Exception {
        DnsLookup roomy = lookup(ZONE, 2);

        roomy.addresses("a.test");
        roomy.addresses("b.test");
        roomy.addresses("a.test");

        assertThat(server.queries("a.test", "A")).isEqualTo(1);
    }

    @Test
    void mxShouldNotCacheServfail() {
        DnsLookup dns = lookup(ZONE, 100);
        server.servfail("example.test");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> dns.mx("example.test"))
                    .isInstanceOfSatisfying(ResolutionException.class, e -> assertThat(e.permanent()).isFalse());
        }
        assertThat(server.queries("example.test", "MX")).isEqualTo(2);
    }

    @Test
    void addressesShouldAskTheNextServerWhenTheFirstDoesNotAnswer() throws Exception {
        try (TestDnsServer silent = TestDnsServer.start(ZONE)) {
            silent.neverAnswer("a.test");
            server = TestDnsServer.start(ZONE);
            DnsLookup dns = new DnsLookup(List.of(silent.address(), server.address()), Duration.ofMillis(300), 100);

            assertThat(dns.addresses("a.test")).containsExactly(ip("127.0.0.3"));
            assertThat(silent.queries("a.test", "A")).isEqualTo(1);
            assertThat(server.queries("a.test", "A")).isEqualTo(1);
        }
    }

    @Test
    void constructorShouldRejectADnsServerGivenByName() {
        assertThatThrownBy(() -> new DnsLookup(List.of("dns.example.test:53"), Duration.ofSeconds(1), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dns.example.test:53");
    }
}
