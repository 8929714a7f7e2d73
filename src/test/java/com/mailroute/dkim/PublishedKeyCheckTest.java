package com.mailroute.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mailroute.settings.Settings;
import com.mailroute.routing.DnsLookup;
import com.mailroute.testsupport.TestDnsServer;
import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether DNS publishes each configured key, looked up through MailRoute's own resolver code. */
class PublishedKeyCheckTest {
    @TempDir
    static Path dir;
    static TestKeys.Key rsa;
    static TestKeys.Key ed;
    static TestKeys.Key otherRsa;
    static SigningKey rsaKey;
    static SigningKey edKey;

    @BeforeAll
    static void keys() {
        rsa = TestKeys.rsa(dir, "rsa", 2048);
        ed = TestKeys.ed25519(dir, "ed");
        otherRsa = TestKeys.rsa(dir, "other", 1024);
        Map<String, String> s = new HashMap<>();
        s.put("mailroute.helo-name", "relay.test");
        s.put("mailroute.dkim.a.test.selector", "s1");
        s.put("mailroute.dkim.a.test.key", rsa.pem().toString());
        s.put("mailroute.dkim.b.test.selector", "s2");
        s.put("mailroute.dkim.b.test.key", ed.pem().toString());
        DkimKeys keys = DkimKeys.fromSettings(Settings.of(s));
        rsaKey = keys.forFromDomain("a.test").orElseThrow();
        edKey = keys.forFromDomain("b.test").orElseThrow();
    }

    /** A TXT record in zone-file syntax, split into strings of at most 255 characters as DNS requires. */
    static String zoneTxt(String name, String text) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add("\"" + text.substring(i, Math.min(text.length(), i + 255)) + "\"");
        }
        return name + " IN TXT " + String.join(" ", strings);
    }

    @Test
    void publishedKeysShouldBeFoundAndCompared() {
        try (TestDnsServer dns = TestDnsServer.start(String.join("\n", "$TTL 60",
                zoneTxt("s1._domainkey.a.test.", rsa.txt()),
                "s1._domainkey.a.test. IN TXT \"v=spf1 -all\"",
                zoneTxt("s2._domainkey.b.test.", ed.txt()), ""))) {
            PublishedKeyCheck check = new PublishedKeyCheck(new DnsLookup(List.of(dns.address()), Duration.ofSeconds(2), 0),
                    List.of(rsaKey, edKey), Clock.systemUTC());

            Map<String, String> status = check.checkNow();

            assertThat(status.get("a.test")).isEqualTo("OK: s1._domainkey.a.test publishes the key of " + rsa.pem());
            assertThat(status.get("b.test")).startsWith("OK: s2._domainkey.b.test publishes the key of ");
        }
    }

    @Test
    void missingRecordAndFailingDnsShouldBeReportedWithTheRecordToPublish() {
        try (TestDnsServer dns = TestDnsServer.start("$TTL 60\nb.test. IN A 127.0.0.1\n")) {
            dns.servfail("s2._domainkey.b.test.");
            PublishedKeyCheck check = new PublishedKeyCheck(new DnsLookup(List.of(dns.address()), Duration.ofSeconds(2), 0),
                    List.of(rsaKey, edKey), Clock.systemUTC());

            Map<String, String> status = check.checkNow();

            assertThat(status.get("a.test")).isEqualTo("MISSING: no DKIM key record at s1._domainkey.a.test: receivers cannot verify "
                    + "the signatures; publish s1._domainkey.a.test TXT \"" + rsa.txt() + "\"");
            assertThat(status.get("b.test")).startsWith("UNKNOWN: the DNS lookup of s2._domainkey.b.test failed: ");
        }
    }

    @Test
    void firstVerdictsShouldBeLoggedWhenAHealthRequestStartsTheCheckBeforeStartupAndNotAgainWhileUnchanged() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> beforeStartup;
        List<String> afterStartup;
        try (TestDnsServer dns = TestDnsServer.start(String.join("\n", "$TTL 60", zoneTxt("s1._domainkey.a.test.", rsa.txt()), ""))) {
            PublishedKeyCheck check = new PublishedKeyCheck(new DnsLookup(List.of(dns.address()), Duration.ofSeconds(2), 0),
                    List.of(rsaKey, edKey), Clock.systemUTC());
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));

            // the HTTP API answers before Camel has fully started, so /observe/health may start the first check
            assertThat(check.status().get("a.test")).startsWith("CHECKING: ");
            await().atMost(Duration.ofSeconds(10)).until(() -> !check.status().get("b.test").startsWith("CHECKING"));
            beforeStartup = verdictLines(log);
            check.startupCheck();
            check.checkNow();
            afterStartup = verdictLines(log);
        } finally {
            System.setErr(stderr);
        }

        assertThat(beforeStartup).hasSize(2);
        assertThat(beforeStartup.get(0)).contains("INFO PublishedKeyCheck - dkim: d=a.test s=s1: OK: s1._domainkey.a.test publishes the key of ");
        assertThat(beforeStartup.get(1)).contains("WARN PublishedKeyCheck - dkim: d=b.test s=s2: MISSING: no DKIM key record at s2._domainkey.b.test");
        assertThat(afterStartup).isEqualTo(beforeStartup);
    }

    private static List<String> verdictLines(ByteArrayOutputStream log) {
        return log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("dkim: d=")).toList();
    }

    @Test
    void verdictShouldNameWhatIsWrongWithThePublishedRecord() {
        String rsaP = rsa.txt().substring(rsa.txt().indexOf("p=") + 2);
        byte[] spki = Base64.getDecoder().decode(rsaP);
        // Some publish the bare RSAPublicKey (PKCS#1), which is the bit string inside the SubjectPublicKeyInfo.
        String pkcs1 = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, 24, spki.length));

        assertThat(PublishedKeyCheck.verdict(rsaKey, List.of("v=DKIM1; k=rsa; p=" + pkcs1))).startsWith("OK:");
        assertThat(PublishedKeyCheck.verdict(rsaKey, List.of("p=" + rsaP.substring(0, 100) + " " + rsaP.substring(100)))).startsWith("OK:");
        assertThat(PublishedKeyCheck.verdict(rsaKey, List.of("v=DKIM1; p=AQAB"))).startsWith("MISMATCH: s1._domainkey.a.test publishes a different key");
        assertThat(PublishedKeyCheck.verdict(rsaKey, List.of(otherRsa.txt())))
                .startsWith("MISMATCH: s1._domainkey.a.test publishes a different key than the one in " + rsa.pem())
                .endsWith("; publish s1._domainkey.a.test TXT \"" + rsa.txt() + "\"");
        assertThat(PublishedKeyCheck.verdict(rsaKey, List.of(ed.txt()))).startsWith("MISMATCH: s1._domainkey.a.test publishes a k=ed25519 key");
        assertThat(PublishedKeyCheck.verdict(edKey, List.of("v=DKIM1; k=ed25519; p="))).startsWith("REVOKED: ");
        assertThat(PublishedKeyCheck.verdict(edKey, List.of("v=DKIM1; k=ed25519; p=!!"))).startsWith("MISMATCH: the p= of s2._domainkey.b.test is not valid base64");
        assertThat(PublishedKeyCheck.verdict(edKey, List.of("v=spf1 -all"))).startsWith("MISSING: ");
    }
}
