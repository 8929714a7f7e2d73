package com.mailroute.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class TestDnsServerTest {

    private TestDnsServer server;

    @BeforeEach
    void start() {
        server = TestDnsServer.start("""
                $TTL 300
                $ORIGIN example.test.
                @     MX 10 mx1
                mx1   A  127.0.0.2
                """);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Message ask(String name, int type, boolean tcp) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofMillis(500));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Test
    void serverShouldAnswerTheSameZoneOverUdpAndTcp() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message response = ask("example.test.", Type.MX, tcp);

            assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(response.getSection(Section.ANSWER)).singleElement().isInstanceOfSatisfying(MXRecord.class, mx -> {
                assertThat(mx.getPriority()).isEqualTo(10);
                assertThat(mx.getTarget().toString()).isEqualTo("mx1.example.test.");
                assertThat(mx.getTTL()).isEqualTo(300);
            });
        }
        assertThat(server.queries("example.test", "MX")).isEqualTo(2);
        assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void serverShouldAnswerNxdomainWithSoaForNamesNotInTheZone() throws Exception {
        Message response = ask("nowhere.test.", Type.A, false);

        assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOfSatisfying(SOARecord.class,
                soa -> assertThat(soa.getMinimum()).isEqualTo(300));
    }

    @Test
    void serverShouldAnswerNodataWithSoaForAMissingType() throws Exception {
        Message response = ask("mx1.example.test.", Type.AAAA, false);

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
        assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
    }

    @Test
    void serverShouldAnswerServfailForAChosenName() throws Exception {
        server.servfail("example.test");

        assertThat(ask("example.test.", Type.MX, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("mx1.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void serverShouldNeverAnswerAChosenNameButCountIt() {
        server.neverAnswer("mx1.example.test.");

        assertThatThrownBy(() -> ask("mx1.example.test.", Type.A, false)).isInstanceOf(IOException.class);
        assertThat(server.queries("mx1.example.test", "A")).isEqualTo(1);
        assertThat(server.totalQueries()).isEqualTo(1);
    }
}
