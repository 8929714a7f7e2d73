package com.mailroute.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.mailroute.settings.Settings;
import com.mailroute.testsupport.DkimVerifier;
import com.mailroute.testsupport.DkimVerifier.Result;
import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures made by {@link DkimSigner} checked by dkimpy, an independent verifier; tampered copies must fail. */
class DkimSignerTest {
    static final long T = 1_767_225_600L;
    @TempDir
    static Path dir;
    static SigningKey rsa;
    static SigningKey ed;
    static DkimVerifier verifier;

    @BeforeAll
    static void keys() {
        TestKeys.Key rsaKey = TestKeys.rsa(dir, "rsa", 2048);
        TestKeys.Key edKey = TestKeys.ed25519(dir, "ed");
        rsa = key("example.com", "rsa2048", rsaKey.pem(), Map.of("mailroute.dkim.example.com.headers", "X-Order"));
        ed = key("example.org", "ed", edKey.pem(), Map.of());
        verifier = DkimVerifier.withRecords(Map.of("rsa2048._domainkey.example.com", rsaKey.txt(), "ed._domainkey.example.org", edKey.txt()));
    }

    static SigningKey key(String domain, String selector, Path pem, Map<String, String> extra) {
        java.util.HashMap<String, String> s = new java.util.HashMap<>(extra);
        s.put("mailroute.dkim." + domain + ".selector", selector);
        s.put("mailroute.dkim." + domain + ".key", pem.toString());
        s.put("mailroute.helo-name", "relay.test");
        return DkimKeys.fromSettings(Settings.of(s)).forFromDomain(domain).orElseThrow();
    }

    static byte[] signed(byte[] message, SigningKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(DkimSigner.signatureField(message, key, T));
        out.writeBytes(message);
        return out.toByteArray();
    }

    static byte[] crlf(String... lines) {
        return (String.join("\r\n", lines)).getBytes(StandardCharsets.UTF_8);
    }

    static final byte[] PLAIN = crlf(
            "Received: from app by relay.test; Thu, 1 Jan 2026 00:00:00 +0000",
            "From: Shop <shop@example.com>",
            "To: a@example.net,",
            "  b@example.net",
            "Cc: c@example.net",
            "Subject:   Your  order\t 42 ",
            "Date: Thu, 1 Jan 2026 00:00:00 +0000",
            "Message-ID: <1@example.com>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "X-Order: 42",
            "",
            "Dear Dylan,  ",
            "",
            "  indented \t line",
            "",
            "",
            "");

    @Test
    void rsaAndEd25519SignaturesShouldVerifyWithDkimpy() {
        List<List<Result>> results = verifier.verifyAll(List.of(signed(PLAIN, rsa), signed(PLAIN.clone(), ed).clone()));

        assertThat(results.get(0)).singleElement().satisfies(r -> {
            assertThat(r.pass()).as(r.log()).isTrue();
            assertThat(r.d()).isEqualTo("example.com");
            assertThat(r.a()).isEqualTo("rsa-sha256");
        });
        assertThat(results.get(1)).singleElement().satisfies(r -> {
            assertThat(r.pass()).as(r.log()).isTrue();
            assertThat(r.a()).isEqualTo("ed25519-sha256");
        });
    }

    @Test
    void signedHeadersShouldBeThePresentStandardOnesAndExtrasWithFromOverSigned() {
        Result r = verifier.verify(signed(PLAIN, rsa)).get(0);

        assertThat(r.h()).isEqualTo("from:to:cc:subject:date:message-id:mime-version:content-type:x-order:from");
        String field = new String(DkimSigner.signatureField(PLAIN, rsa, T), StandardCharsets.US_ASCII);
        assertThat(field).endsWith("\r\n").satisfies(f -> assertThat(f.lines()).allMatch(l -> l.length() <= 78));
        assertThat(field.replace("\r\n\t", " "))
                .startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=rsa2048; t=" + T + ";")
                .doesNotContain("l=").doesNotContain("i=");
    }

    @Test
    void messageBytesShouldFollowTheFieldUnchanged() {
        byte[] field = DkimSigner.signatureField(PLAIN, ed, T);
        byte[] out = signed(PLAIN, ed);

        assertThat(java.util.Arrays.copyOfRange(out, field.length, out.length)).isEqualTo(PLAIN);
    }

    @Test
    void tamperedCopiesShouldFailVerification() {
        byte[] good = signed(PLAIN, rsa);
        String text = new String(good, StandardCharsets.ISO_8859_1);
        List<byte[]> tampered = List.of(
                text.replace("Dear Dylan", "Dear Dylam").getBytes(StandardCharsets.ISO_8859_1),
                text.replace("Your  order", "Your  order!").getBytes(StandardCharsets.ISO_8859_1),
                // over-signing: a second From added above the signed one must break the signature
                text.replace("Received:", "From: evil@example.com\r\nReceived:").getBytes(StandardCharsets.ISO_8859_1),
                (text + "appended line\r\n").getBytes(StandardCharsets.ISO_8859_1));
        List<byte[]> all = new ArrayList<>(tampered);
        all.add(good);

        List<List<Result>> results = verifier.verifyAll(all);

        for (int i = 0; i < tampered.size(); i++) {
            assertThat(results.get(i).get(0).pass()).as("tampered copy " + i).isFalse();
        }
        assertThat(results.get(tampered.size()).get(0).pass()).as("untampered").isTrue();
    }

    @Test
    void whitespaceChangesInTransitShouldNotBreakARelaxedSignature() {
        byte[] good = signed(PLAIN, ed);
        String moved = new String(good, StandardCharsets.ISO_8859_1)
                .replace("Subject:   Your  order", "Subject: Your order")
                .replace("Dear Dylan,  \r\n", "Dear   Dylan,\r\n")
                .replace("\r\n\r\n\r\n", "\r\n");

        assertThat(verifier.verify(moved.getBytes(StandardCharsets.ISO_8859_1)).get(0).pass()).isTrue();
    }

    @Test
    void edgeShapesShouldVerify() {
        List<byte[]> messages = List.of(
                crlf("From: shop@example.com", "Subject: empty body", "", ""),
                crlf("From: shop@example.com", "Subject: no body at all", ""),
                // (on the wire the SMTP client ends the data with CRLF anyway; the sanitizer already adds it)
                crlf("From: shop@example.com", "Subject: no final line break", "", "last line"),
                crlf("From: shop@example.com", "To: a@example.net", "To: b@example.net", "Subject: two To fields", "", "x", ""),
                crlf("From: =?utf-8?q?J=C3=BCrgen?= <shop@example.com>", "Subject: 8-bit body", "MIME-Version: 1.0",
                        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", "Grüße aus Köln", ""),
                crlf("From: \"Jürgen\" <shop@example.com>", "Subject: Prüfbericht (raw UTF-8 header, SMTPUTF8)", "", "x", ""),
                crlf("From: shop@example.com", "List-Unsubscribe: <https://example.com/u/1>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                        "Reply-To: help@example.com", "Subject: lists", "", "x", ""));
        List<byte[]> signed = new ArrayList<>();
        messages.forEach(m -> signed.add(signed(m, rsa)));
        messages.forEach(m -> signed.add(signed(m, ed)));

        List<List<Result>> results = verifier.verifyAll(signed);

        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i).get(0);
            assertThat(r.pass()).as("message " + i % messages.size() + " " + r.a() + ": " + r.log()).isTrue();
        }
        assertThat(results.get(6).get(0).h()).isEqualTo("from:subject:reply-to:list-unsubscribe:list-unsubscribe-post:from");
    }

    @Test
    void generatedMessagesShouldAllVerify() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<byte[]> signed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            signed.add(signed(generated(random), i % 2 == 0 ? rsa : ed));
        }

        List<List<Result>> results = verifier.verifyAll(signed);

        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i).get(0);
            assertThat(r.pass()).as("seed " + seed + ", message " + i + ":\n" + new String(signed.get(i), StandardCharsets.UTF_8) + "\n" + r.log())
                    .isTrue();
        }
    }

    /** A message with random whitespace, folding, blank lines, 8-bit text and repeated fields; CRLF-clean as the sanitizer leaves it. */
    static byte[] generated(Random r) {
        String[] ws = {" ", "  ", "\t", " \t ", ""};
        String[] words = {"order", "Grüße", "x", "a.b", "<id@example.com>", "=?utf-8?q?x?=", ";", "\"q\""};
        StringBuilder m = new StringBuilder();
        List<String> names = new ArrayList<>(List.of("From", "To", "Subject", "Date", "Message-ID", "X-Other", "Cc", "To", "Reply-To"));
        java.util.Collections.shuffle(names, r);
        for (String name : names.subList(0, 3 + r.nextInt(names.size() - 3))) {
            if (name.equals("From")) {
                m.append(r.nextBoolean() ? "From: shop@example.com" : "FROM:" + ws[r.nextInt(ws.length)] + "Shop <shop@example.com>")
                        .append(ws[r.nextInt(ws.length)]).append("\r\n");
                continue;
            }
            m.append(r.nextBoolean() ? name : name.toLowerCase()).append(':').append(ws[r.nextInt(ws.length)]);
            int n = 1 + r.nextInt(6);
            for (int w = 0; w < n; w++) {
                m.append(words[r.nextInt(words.length)]);
                if (w < n - 1) { // folding between words: a whitespace-only continuation line is refused by the sanitizer
                    m.append(r.nextInt(4) == 0 ? "\r\n" + (r.nextBoolean() ? "\t" : " ") : ws[r.nextInt(ws.length - 1)]);
                }
            }
            m.append("\r\n");
        }
        if (m.indexOf("rom:") < 0) {
            m.insert(0, "From: shop@example.com\r\n");
        }
        m.append("\r\n");
        int lines = r.nextInt(8);
        for (int l = 0; l < lines; l++) {
            int n = r.nextInt(5);
            for (int w = 0; w < n; w++) {
                m.append(ws[r.nextInt(ws.length)]).append(words[r.nextInt(words.length)]);
            }
            m.append(ws[r.nextInt(ws.length)]).append("\r\n"); // the sanitizer ends every body line with CRLF

        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
