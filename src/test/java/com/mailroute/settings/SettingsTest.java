package com.mailroute.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    private static final String HELO = "relay.example.com";

    @TempDir
    Path dir;

    private Path noFile() {
        return dir.resolve("absent.properties");
    }

    private Path file(String content) throws IOException {
        Path f = dir.resolve("application.properties");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    /** -D properties with a fixed HELO name so nothing depends on this machine's name. */
    private static Properties system(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("mailroute.helo-name", HELO);
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static Settings with(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("mailroute.helo-name", HELO);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Settings.of(m);
    }

    @Test
    void loadShouldApplyBuiltInDefaults() {
        Settings s = Settings.load(Map.of(), system(), noFile());

        assertThat(s.port("mailroute.smtp.port")).isEqualTo(25);
        assertThat(s.port("mailroute.http.port")).isEqualTo(8080);
        assertThat(s.get("mailroute.http.host")).isEqualTo("127.0.0.1");
        assertThat(s.size("mailroute.message.max-size")).isEqualTo(35L * 1024 * 1024);
        assertThat(s.duration("mailroute.queue.max-lifetime")).isEqualTo(Duration.ofDays(5));
        assertThat(s.duration("mailroute.delay-warning")).isEqualTo(Duration.ofHours(4));
        assertThat(s.retrySchedule().delays()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20),
                Duration.ofMinutes(40), Duration.ofMinutes(80), Duration.ofMinutes(160), Duration.ofHours(4));
        assertThat(s.positiveInt("mailroute.delivery.consumers")).isEqualTo(40);
        assertThat(s.get("mailroute.tls")).isEqualTo("may");
        assertThat(s.bool("mailroute.mime.convert-signed")).isFalse();
        assertThat(s.bool("mailroute.routes.reload")).isTrue();
        assertThat(s.get("mailroute.api.token")).isEmpty();
        assertThat(s.dnsServers()).isEmpty();
        assertThat(s.transports()).isEmpty();
        assertThat(s.get("mailroute.relayhost")).isEmpty();
    }

    @Test
    void loadShouldDerivePostmasterFromHeloName() {
        Settings s = Settings.load(Map.of(), system(), noFile());

        assertThat(s.heloName()).isEqualTo(HELO);
        assertThat(s.get("mailroute.postmaster")).isEqualTo("postmaster@" + HELO);
    }

    @Test
    void loadShouldFillAnEmptyHeloNameWithAHostName() {
        Properties p = new Properties();
        Settings s = Settings.load(Map.of(), p, noFile());

        assertThat(s.heloName()).matches("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?").contains(".");
    }

    @Test
    void fileShouldOverrideDefaults() throws IOException {
        Settings s = Settings.load(Map.of(), system(), file("mailroute.smtp.port=2525\nmailroute.tls=encrypt\n"));

        assertThat(s.port("mailroute.smtp.port")).isEqualTo(2525);
        assertThat(s.get("mailroute.tls")).isEqualTo("encrypt");
    }

    @Test
    void fileShouldIgnoreKeysOutsideTheMailrouteNamespace() throws IOException {
        Settings s = Settings.load(Map.of(), system(), file("camel.main.name=x\nmailroute.smtp.port=2525\n"));

        assertThat(s.asProperties()).doesNotContainKey("camel.main.name");
        assertThat(s.port("mailroute.smtp.port")).isEqualTo(2525);
    }

    @Test
    void environmentShouldOverrideFile() throws IOException {
        Settings s = Settings.load(Map.of("MAILROUTE_SMTP_PORT", "2526"), system(), file("mailroute.smtp.port=2525\n"));

        assertThat(s.port("mailroute.smtp.port")).isEqualTo(2526);
    }

    @Test
    void systemPropertyShouldOverrideEnvironmentAndFile() throws IOException {
        Settings s = Settings.load(Map.of("MAILROUTE_SMTP_PORT", "2526"), system("mailroute.smtp.port", "2527"),
                file("mailroute.smtp.port=2525\n"));

        assertThat(s.port("mailroute.smtp.port")).isEqualTo(2527);
    }

    @Test
    void valuesShouldBeStrippedOfSurroundingBlanks() {
        Settings s = Settings.load(Map.of("MAILROUTE_SMTP_PORT", "  2526 "), system(), noFile());

        assertThat(s.get("mailroute.smtp.port")).isEqualTo("2526");
    }

    @Test
    void environmentVariableShouldMapToTheDottedKey() {
        Map<String, String> defaults = Map.of("mailroute.smtp.port", "25", "mailroute.helo-name", "",
                "mailroute.smtp.connection.max-idle", "30s");

        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_SMTP_PORT", defaults)).isEqualTo("mailroute.smtp.port");
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_HELO_NAME", defaults)).isEqualTo("mailroute.helo-name");
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_SMTP_CONNECTION_MAX_IDLE", defaults))
                .isEqualTo("mailroute.smtp.connection.max-idle");
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_TRANSPORT_EXAMPLE_COM", defaults))
                .isEqualTo("mailroute.transport.example.com");
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_TLS_EXAMPLE_ORG", defaults)).isEqualTo("mailroute.tls.example.org");
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_DKIM_EXAMPLE_COM_SELECTOR", defaults))
                .isEqualTo("mailroute.dkim.example.com.selector");
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_DKIM_MAIL_EXAMPLE_CO_UK_SUBDOMAINS", defaults))
                .isEqualTo("mailroute.dkim.mail.example.co.uk.subdomains");
    }

    @Test
    void environmentVariablesOutsideMailrouteShouldBeIgnored() {
        Map<String, String> defaults = Map.of("mailroute.smtp.port", "25");

        assertThat(Settings.keyForEnvironmentVariable("PATH", defaults)).isNull();
        assertThat(Settings.keyForEnvironmentVariable("SMTP_PORT", defaults)).isNull();
        assertThat(Settings.keyForEnvironmentVariable("MAILROUTE_TRANSPORT_", defaults)).isNull();
    }

    @Test
    void dkimSettingsFromEnvironmentShouldBeReadAndMisspelledOnesRefused() {
        Settings s = Settings.load(Map.of("MAILROUTE_DKIM_EXAMPLE_COM_SELECTOR", "mr1", "MAILROUTE_DKIM_EXAMPLE_COM_KEY", "/k.pem"),
                system(), noFile());

        assertThat(s.withPrefix("mailroute.dkim.")).containsExactly(Map.entry("mailroute.dkim.example.com.key", "/k.pem"),
                Map.entry("mailroute.dkim.example.com.selector", "mr1"));
        assertThatThrownBy(() -> Settings.load(Map.of("MAILROUTE_DKIM_EXAMPLE_COM_SELECTR", "mr1"), system(), noFile()))
                .hasMessageStartingWith("invalid setting mailroute.dkim.example.com.selectr=mr1: unknown setting");
    }

    @Test
    void transportFromEnvironmentShouldAppearInTransports() {
        Settings s = Settings.load(Map.of("MAILROUTE_TRANSPORT_EXAMPLE_COM", "mx.internal:2525", "HOME", "/root"),
                system(), noFile());

        assertThat(s.transports()).containsExactly(Map.entry("example.com", "mx.internal:2525"));
    }

    @Test
    void transportsShouldListEveryStaticNextHopByDomain() {
        Settings s = with("mailroute.transport.example.com", "10.0.0.5:2525",
                "mailroute.transport.Example.ORG", "[::1]:25",
                "mailroute.transport.example.net", "mx.example.net");

        assertThat(s.transports()).containsOnly(Map.entry("example.com", "10.0.0.5:2525"),
                Map.entry("example.org", "[::1]:25"), Map.entry("example.net", "mx.example.net"));
    }

    @ParameterizedTest
    @CsvSource({
            "35MB, 36700160",
            "35mb, 36700160",
            "1KB, 1024",
            "1K, 1024",
            "2M, 2097152",
            "1GB, 1073741824",
            "1048576, 1048576",
            "512B, 512"
    })
    void sizeShouldReadBytesAndUnits(String text, long bytes) {
        assertThat(with("mailroute.message.max-size", text).size("mailroute.message.max-size")).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "30s, PT30S",
            "5m, PT5M",
            "4h, PT4H",
            "2d, PT48H",
            "0, PT0S"
    })
    void durationShouldReadEveryUnit(String text, String iso) {
        assertThat(with("mailroute.dns.timeout", text).duration("mailroute.dns.timeout")).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "mailroute.smtp.port           | 70000          | not a port number (0-65535)",
            "mailroute.http.port           | -1             | not a port number (0-65535)",
            "mailroute.broker.port         | eighty         | not a whole number",
            "mailroute.delivery.consumers  | 0              | must be 1 or more",
            "mailroute.dns.timeout         | 5 minutes      | is not a duration",
            "mailroute.dns.timeout         | 30             | is not a duration",
            "mailroute.queue.max-lifetime  | 1.5d           | is not a duration",
            "mailroute.retry.schedule      | 5m,soon,1h     | 'soon' is not a duration",
            "mailroute.message.max-size    | 35 megabytes   | not a size",
            "mailroute.message.max-size    | -1             | not a size",
            "mailroute.message.spool-threshold | 100          | must be between 1KB and 64MB",
            "mailroute.message.spool-threshold | 1GB          | must be between 1KB and 64MB",
            "mailroute.routes.reload       | yes            | must be true or false",
            "mailroute.mime.convert-signed | 1              | must be true or false",
            "mailroute.tls                 | always         | must be may, encrypt or none",
            "mailroute.tls.example.com     | required       | must be may, encrypt or none",
            "mailroute.relayhost           | smtp.example.com:smtp | expected host or host:port",
            "mailroute.transport.example.com | mx example com | expected host or host:port",
            "mailroute.transport.example.org | ::1:25       | expected host or host:port",
            "mailroute.smtp.prot           | 25             | unknown setting",
            "mailroute.housekeeping.retention-cron | every night | not a Quartz cron expression",
            "mailroute.housekeeping.digest-cron    | 0 0 7 * *   | not a Quartz cron expression",
            "mailroute.helo-name           | relay_host.example.com | not a host name",
            "mailroute.helo-name           | -relay.example.com     | not a host name",
            "mailroute.dns.servers         | 127.0.0.1:5353, ns.example.com | 'ns.example.com' is not an IP address or ip:port (a DNS server given by name would itself need DNS)",
    })
    void validationShouldRefuseWithOneLineNamingKeyAndProblem(String key, String value, String problem) {
        assertThatThrownBy(() -> with(key, value))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessageStartingWith("invalid setting " + key + "=" + value + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
    }

    @Test
    void unknownKeyInTheFileShouldBeRefusedByName() throws IOException {
        Path f = file("mailroute.smpt.port=25\n");

        assertThatThrownBy(() -> Settings.load(Map.of(), system(), f))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessage("invalid setting mailroute.smpt.port=25: unknown setting (check the spelling; see the README for the list)");
    }

    @Test
    void nonLoopbackHttpHostWithoutTokenShouldBeRefused() {
        assertThatThrownBy(() -> with("mailroute.http.host", "0.0.0.0"))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessageStartingWith("invalid setting mailroute.api.token=: required when mailroute.http.host (0.0.0.0) is not a loopback address")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void nonLoopbackHttpHostWithTokenShouldBeAccepted() {
        Settings s = with("mailroute.http.host", "0.0.0.0", "mailroute.api.token", "s3cret");

        assertThat(s.get("mailroute.http.host")).isEqualTo("0.0.0.0");
        assertThat(s.get("mailroute.api.token")).isEqualTo("s3cret");
    }

    @Test
    void loopbackHttpHostsShouldNotNeedAToken() {
        assertThat(with("mailroute.http.host", "localhost").get("mailroute.http.host")).isEqualTo("localhost");
        assertThat(with("mailroute.http.host", "127.0.0.2").get("mailroute.http.host")).isEqualTo("127.0.0.2");
        assertThat(with("mailroute.http.host", "::1").get("mailroute.http.host")).isEqualTo("::1");
    }

    @Test
    void validHostPortFormsShouldBeAccepted() {
        Settings s = with("mailroute.relayhost", "[2001:db8::1]:587", "mailroute.transport.a.example", "192.0.2.1",
                "mailroute.transport.b.example", "mx.b.example:2525");

        assertThat(s.get("mailroute.relayhost")).isEqualTo("[2001:db8::1]:587");
        assertThat(s.transports()).containsEntry("a.example", "192.0.2.1").containsEntry("b.example", "mx.b.example:2525");
    }

    @Test
    void dnsServersShouldBeSplitOnCommas() {
        Settings s = with("mailroute.dns.servers", "127.0.0.1:5353, [::1]:53 ,10.0.0.53");

        assertThat(s.dnsServers()).containsExactly("127.0.0.1:5353", "[::1]:53", "10.0.0.53");
    }

    @Test
    void tlsPolicyForHostShouldUseTheDefaultWithoutOverride() {
        Settings s = with("mailroute.tls", "none");

        assertThat(s.tlsPolicyForHost("mx.example.com")).isEqualTo("none");
    }

    @Test
    void tlsPolicyForHostShouldApplyADomainOverrideToItsSubdomains() {
        Settings s = with("mailroute.tls.example.org", "ENCRYPT");

        assertThat(s.tlsPolicyForHost("example.org")).isEqualTo("encrypt");
        assertThat(s.tlsPolicyForHost("mx1.example.org")).isEqualTo("encrypt");
        assertThat(s.tlsPolicyForHost("a.b.MX.Example.org")).isEqualTo("encrypt");
        assertThat(s.tlsPolicyForHost("example.org.evil.net")).isEqualTo("may");
        assertThat(s.tlsPolicyForHost("notexample.org")).isEqualTo("may");
    }

    @Test
    void tlsPolicyForHostShouldPreferTheMostSpecificOverride() {
        Settings s = with("mailroute.tls.example.org", "encrypt", "mailroute.tls.legacy.example.org", "none");

        assertThat(s.tlsPolicyForHost("mx.legacy.example.org")).isEqualTo("none");
        assertThat(s.tlsPolicyForHost("mx.example.org")).isEqualTo("encrypt");
    }

    @Test
    void tlsPolicyShouldUseTheExactDomainOverride() {
        Settings s = with("mailroute.tls.example.org", "encrypt");

        assertThat(s.tlsPolicy("example.org")).isEqualTo("encrypt");
        assertThat(s.tlsPolicy("other.example")).isEqualTo("may");
    }

    @Test
    void asPropertiesShouldGiveAnAbsoluteDataDir() {
        Properties p = with("mailroute.data.dir", "./somewhere/../data").asProperties();

        assertThat(p.getProperty("mailroute.data.dir")).isEqualTo(Path.of("data").toAbsolutePath().normalize().toString());
        assertThat(p.getProperty("mailroute.smtp.port")).isEqualTo("25");
    }

    @Test
    void transportWithPortOutOfRangeShouldBeRefusedAtLoad() {
        assertThatThrownBy(() -> with("mailroute.transport.example.com", "mx.example.com:99999"))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessageStartingWith("invalid setting mailroute.transport.example.com=mx.example.com:99999: ");
    }

    @Test
    void sizeTooLargeForALongShouldBeRefusedWithOneLine() {
        assertThatThrownBy(() -> with("mailroute.message.max-size", "99999999999999999999"))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessageStartingWith("invalid setting mailroute.message.max-size=99999999999999999999: ");
    }

    @Test
    void misspelledEnvironmentVariableShouldStopStartupNamingIt() {
        assertThatThrownBy(() -> Settings.load(Map.of("MAILROUTE_SMTP_PROT", "2525"), system(), noFile()))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessageStartingWith("invalid setting MAILROUTE_SMTP_PROT=2525: unknown environment variable");
    }

    @org.junit.jupiter.api.Test
    void isLoopbackShouldKnowLoopbackLiteralsAndLocalhostWithoutAskingDns() {
        for (String yes : new String[] {"127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"}) {
            assertThat(Settings.isLoopback(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"0.0.0.0", "::", "192.0.2.10", "127.example.com", "relay.example.net", "[::]"}) {
            assertThat(Settings.isLoopback(no)).as(no).isFalse();
        }
    }
}
