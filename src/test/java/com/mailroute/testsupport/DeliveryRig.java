package com.mailroute.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The in-JVM setup of the delivery tests: a recording SMTP server as every MX, a DNS server on loopback serving
 * the given zone (the relay asks only it), and MailRoute itself, started on demand with extra settings.
 * Closing stops all three.
 */
public final class DeliveryRig implements AutoCloseable {
    private final Path data;
    private final RecordingSmtpServer smtp = new RecordingSmtpServer();
    private final TestDnsServer dns;
    private RelayUnderTest relay;

    /** @param zoneLines master-file lines ("example.test. IN MX 10 mx.example.test."), after "$TTL 60" */
    public DeliveryRig(Path data, String... zoneLines) {
        this.data = data;
        this.dns = TestDnsServer.start("$TTL 60\n" + String.join("\n", zoneLines) + "\n");
    }

    /** Starts the relay (stopping one started before) with the DNS server, the SMTP port and {@code settings}. */
    public RelayUnderTest start(Map<String, String> settings) {
        stopRelay();
        Map<String, String> s = new HashMap<>(Map.of(
                "mailroute.dns.servers", dns.address(),
                "mailroute.smtp.port", String.valueOf(smtp.port())));
        s.putAll(settings);
        relay = new RelayUnderTest(data, s).start();
        return relay;
    }

    public RecordingSmtpServer smtp() {
        return smtp;
    }

    public TestDnsServer dns() {
        return dns;
    }

    private void stopRelay() {
        if (relay != null) {
            relay.stop();
            relay = null;
        }
    }

    @Override
    public void close() {
        stopRelay();
        smtp.close();
        dns.close();
    }
}
