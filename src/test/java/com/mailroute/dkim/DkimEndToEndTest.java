package com.mailroute.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mailroute.admin.Housekeeping;
import com.mailroute.testsupport.DkimVerifier;
import com.mailroute.testsupport.DkimVerifier.Result;
import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RecordingSmtpServer.Transaction;
import com.mailroute.testsupport.RelayUnderTest;
import com.mailroute.testsupport.TestDnsServer;
import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * The relay's real routes in this JVM: an application's 8-bit message converted for a host without 8BITMIME and
 * signed for its From domain; the DSN and the postmaster digest MailRoute writes itself signed for the postmaster's
 * domain, through the same delivery path. Signatures checked by dkimpy.
 */
class DkimEndToEndTest {
    @TempDir
    Path data;
    @TempDir
    Path keys;
    RecordingSmtpServer smtp;
    TestDnsServer dns;
    RelayUnderTest relay;
    DkimVerifier verifier;

    @BeforeEach
    void start() {
        TestKeys.Key rsa = TestKeys.rsa(keys, "sender", 2048);
        TestKeys.Key ed = TestKeys.ed25519(keys, "relay");
        smtp = new RecordingSmtpServer();
        smtp.strictSevenBit();
        smtp.rcptPolicy(r -> r.startsWith("nobody@") ? new RejectException(550, "5.1.1 <" + r + ">: User unknown") : null);
        // sender.test publishes its key; relay.test (the postmaster's domain) does not: health must say so.
        dns = TestDnsServer.start(String.join("\n", "$TTL 60",
                "example.test. IN MX 10 mx.example.test.",
                "sender.test. IN MX 10 mx.example.test.",
                "relay.test. IN MX 10 mx.example.test.",
                "mx.example.test. IN A 127.0.0.1",
                PublishedKeyCheckTest.zoneTxt("s1._domainkey.sender.test.", rsa.txt()), ""));
        Map<String, String> s = new HashMap<>();
        s.put("mailroute.dns.servers", dns.address());
        s.put("mailroute.smtp.port", String.valueOf(smtp.port()));
        s.put("mailroute.retry.schedule", "1s");
        s.put("mailroute.dkim.sender.test.selector", "s1");
        s.put("mailroute.dkim.sender.test.key", rsa.pem().toString());
        s.put("mailroute.dkim.relay.test.selector", "mr-ed");
        s.put("mailroute.dkim.relay.test.key", ed.pem().toString());
        relay = new RelayUnderTest(data, s).start();
        verifier = DkimVerifier.withRecords(Map.of("s1._domainkey.sender.test", rsa.txt(), "mr-ed._domainkey.relay.test", ed.txt()));
    }

    @AfterEach
    void stop() {
        relay.stop();
        smtp.close();
        dns.close();
    }

    private Transaction awaitTransactionTo(String recipient) {
        return await("a transaction to " + recipient).atMost(Duration.ofSeconds(30))
                .until(() -> smtp.received().stream().filter(t -> t.recipients().contains(recipient)).findFirst(), o -> o.isPresent())
                .orElseThrow();
    }

    private static Result onlySignature(DkimVerifier verifier, Transaction t) {
        List<Result> results = verifier.verify(t.data());
        assertThat(results).as(t.text()).hasSize(1);
        return results.get(0);
    }

    @Test
    void convertedMessageDsnAndDigestShouldArriveSignedForTheirFromDomains() throws Exception {
        String message = "From: Shop <app@sender.test>\r\nTo: dylan@example.test\r\nSubject: Grüße\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n";
        var r = relay.post("/api/messages?from=app@sender.test&to=dylan@example.test&to=nobody@example.test", "message/rfc822",
                message.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        Transaction delivered = awaitTransactionTo("dylan@example.test");
        assertThat(delivered.text()).matches("(?s)DKIM-Signature: [\\x00-\\x7F]*").contains("Content-Transfer-Encoding: quoted-printable");
        Result signature = onlySignature(verifier, delivered);
        assertThat(signature.pass()).as(signature.log()).isTrue();
        assertThat(signature.d()).isEqualTo("sender.test");

        Transaction dsn = awaitTransactionTo("app@sender.test");
        assertThat(dsn.text()).contains("Content-Type: multipart/report");
        Result dsnSignature = onlySignature(verifier, dsn);
        assertThat(dsnSignature.pass()).as(dsnSignature.log()).isTrue();
        assertThat(dsnSignature.d()).isEqualTo("relay.test");
        assertThat(dsnSignature.a()).isEqualTo("ed25519-sha256");

        Housekeeping housekeeping = relay.camel().getRegistry().lookupByNameAndType("housekeeping", Housekeeping.class);
        assertThat(housekeeping.sendPostmasterDigest()).isEqualTo(1);
        Transaction digest = awaitTransactionTo("postmaster@relay.test");
        Result digestSignature = onlySignature(verifier, digest);
        assertThat(digestSignature.pass()).as(digestSignature.log()).isTrue();
        assertThat(digestSignature.d()).isEqualTo("relay.test");

        assertThat(relay.get("/observe/metrics").body()).contains("mailroute_dkim_signed_total{domain=\"sender.test\"} 1.0")
                .contains("mailroute_dkim_signed_total{domain=\"relay.test\"} 2.0");
    }

    @Test
    void healthShouldReportWhetherDnsPublishesEachKeyWithoutFailing() {
        await("DKIM DNS check in /observe/health").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var health = relay.get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"sender.test\":\"OK: s1._domainkey.sender.test publishes the key of ")
                    .contains("\"relay.test\":\"MISSING: no DKIM key record at mr-ed._domainkey.relay.test");
        });
    }
}
