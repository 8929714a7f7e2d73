package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mailroute.testsupport.DkimVerifier;
import com.mailroute.testsupport.DkimVerifier.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DKIM signatures as receivers meet them: the 8-bit test message signed with RSA and with Ed25519 keys whose public
 * halves the Knot peer publishes, delivered converted to the strict Postfix (no 8BITMIME, 8-bit refused) and unchanged
 * to the lenient one. dkimpy verifies the stored copies (Maildir LF line ends turned back into CRLF) with the keys
 * from Knot; a tampered copy must fail.
 */
class DkimIT {
    static final Duration DELIVERY = Duration.ofSeconds(60);
    static Peers peers = Peers.load();
    static RelayProcess relay;
    static DkimVerifier verifier = DkimVerifier.withDns(peers.get("PEERS_DNS_SERVER"));

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay)
            .peerLog(peers.strictMaillog()).peerLog(peers.lenientMaillog());

    @BeforeAll
    static void startRelay() {
        relay = new RelayProcess("dkim", peers, Map.of(
                "mailroute.dkim." + peers.get("PEERS_DKIM_RSA_DOMAIN") + ".selector", peers.get("PEERS_DKIM_RSA_SELECTOR"),
                "mailroute.dkim." + peers.get("PEERS_DKIM_RSA_DOMAIN") + ".key", peers.get("PEERS_DKIM_RSA_KEY"),
                "mailroute.dkim." + peers.get("PEERS_DKIM_ED25519_DOMAIN") + ".selector", peers.get("PEERS_DKIM_ED25519_SELECTOR"),
                "mailroute.dkim." + peers.get("PEERS_DKIM_ED25519_DOMAIN") + ".key", peers.get("PEERS_DKIM_ED25519_KEY"),
                "mailroute.dkim." + peers.get("PEERS_DKIM_UNPUBLISHED_DOMAIN") + ".selector", peers.get("PEERS_DKIM_UNPUBLISHED_SELECTOR"),
                "mailroute.dkim." + peers.get("PEERS_DKIM_UNPUBLISHED_DOMAIN") + ".key", peers.get("PEERS_DKIM_ED25519_KEY"))).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    /** One message: who signs it, which Postfix gets it. */
    record Case(String keyName, boolean strict, String subject, String from, String to) {
    }

    private static Case send(String label, String keyName, boolean strict, byte[] extraHeaders) {
        String subject = Run.token(label + "-" + keyName.toLowerCase() + (strict ? "-strict" : "-lenient"));
        String from = "shop@" + peers.get("PEERS_DKIM_" + keyName + "_DOMAIN");
        String to = "dylan-" + subject + "@" + peers.get(strict ? "PEERS_DOMAIN_GOOD" : "PEERS_DOMAIN_LENIENT");
        byte[] message = TestMessages.eightBit(from, to, subject);
        byte[] withExtra = new byte[extraHeaders.length + message.length];
        System.arraycopy(extraHeaders, 0, withExtra, 0, extraHeaders.length);
        System.arraycopy(message, 0, withExtra, extraHeaders.length, message.length);
        relay.submit(from, to, withExtra);
        return new Case(keyName, strict, subject, from, to);
    }

    /** The copy the Postfix stored, in wire form (CRLF). */
    private static byte[] stored(Case c) {
        PeerLog log = c.strict() ? peers.strictMaillog() : peers.lenientMaillog();
        String delivered = await((c.strict() ? "strict" : "lenient") + " Postfix delivery of " + c.to()).atMost(DELIVERY)
                .until(() -> log.deliveredTo(c.to()), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        Maildir maildir = c.strict() ? peers.strictMaildir() : peers.lenientMaildir();
        return DkimVerifier.crlf(maildir.messageWithSubject(c.subject()).orElseThrow());
    }

    private static byte[] tampered(byte[] stored) {
        // One character of the first text part changed: "Köln" is "K=C3=B6ln" once converted, "Köln" otherwise.
        String s = new String(stored, StandardCharsets.ISO_8859_1);
        String changed = s.contains("K=C3=B6ln") ? s.replaceFirst("K=C3=B6ln", "K=C3=B6lm") : s.replaceFirst("K\u00c3\u00b6ln", "K\u00c3\u00b6lm");
        assertThat(changed).isNotEqualTo(s);
        return changed.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void rsaAndEd25519SignaturesShouldVerifyOnConvertedAndUnchangedCopiesAndFailWhenTampered() {
        List<Case> cases = List.of(send("dkim", "RSA", true, new byte[0]), send("dkim", "RSA", false, new byte[0]),
                send("dkim", "ED25519", true, new byte[0]), send("dkim", "ED25519", false, new byte[0]));
        List<byte[]> copies = new ArrayList<>();
        for (Case c : cases) {
            byte[] stored = stored(c);
            assertThat(RawMessage.eightBitBytes(stored)).as("8-bit bytes in the copy of " + c).matches(n -> c.strict() == (n == 0));
            copies.add(stored);
            copies.add(tampered(stored));
        }

        List<List<Result>> results = verifier.verifyAll(copies);

        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Result good = results.get(2 * i).get(0);
            assertThat(good.pass()).as(c + ": " + good.log()).isTrue();
            assertThat(good.d()).isEqualTo(peers.get("PEERS_DKIM_" + c.keyName() + "_DOMAIN"));
            assertThat(good.a()).isEqualTo(c.keyName().equals("RSA") ? "rsa-sha256" : "ed25519-sha256");
            assertThat(good.h()).startsWith("from:to:subject:date:message-id:mime-version:content-type").endsWith(":from");
            Result bad = results.get(2 * i + 1).get(0);
            assertThat(bad.pass()).as("tampered copy of " + c).isFalse();
            assertThat(bad.log()).contains("body hash mismatch");
        }
    }

    @Test
    void applicationsOwnSignatureBrokenByConversionShouldBeCountedAndMailRoutesShouldVerify() {
        String theirs = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=app.example; s=app; h=from:subject;\r\n"
                + "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n";
        Case c = send("presigned", "RSA", true, theirs.getBytes(StandardCharsets.US_ASCII));

        List<Result> results = verifier.verify(stored(c));

        assertThat(results).extracting(Result::d).containsExactly(peers.get("PEERS_DKIM_RSA_DOMAIN"), "app.example");
        assertThat(results.get(0).pass()).as(results.get(0).log()).isTrue();
        assertThat(results.get(1).pass()).isFalse();
        assertThat(relay.get("/observe/metrics").body())
                .contains("mailroute_dkim_own_signature_broken_total{domain=\"" + peers.get("PEERS_DKIM_RSA_DOMAIN") + "\"} 1.0");
        // (the log is read as ISO-8859-1: no "→" in what is matched)
        relay.awaitLogLine("the message's own DKIM signature (d=app.example) cannot survive the 8bit",
                "signed by MailRoute as d=" + peers.get("PEERS_DKIM_RSA_DOMAIN"));
    }

    @Test
    void startupShouldCheckThePublishedKeysAndWarnAboutTheMissingOne() {
        String unpublished = peers.get("PEERS_DKIM_UNPUBLISHED_DOMAIN");
        relay.awaitLogLine("WARN", "dkim: d=" + unpublished, "MISSING: no DKIM key record at none._domainkey." + unpublished);
        relay.awaitLogLine("INFO", "dkim: d=" + peers.get("PEERS_DKIM_RSA_DOMAIN"), "OK: ");
        relay.awaitLogLine("INFO", "dkim: d=" + peers.get("PEERS_DKIM_ED25519_DOMAIN"), "OK: ");
        String health = relay.get("/observe/health").body();
        assertThat(health).contains("\"" + unpublished + "\":\"MISSING: ")
                .contains("\"" + peers.get("PEERS_DKIM_ED25519_DOMAIN") + "\":\"OK: ");
        assertThat(RelayProcess.json(health).get("status").asText()).isEqualTo("UP");
    }
}
