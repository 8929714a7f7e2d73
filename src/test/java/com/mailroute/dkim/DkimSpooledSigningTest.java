package com.mailroute.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.mailroute.admin.Metrics;
import com.mailroute.mime.CapabilityAdapter;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.settings.Settings;
import com.mailroute.smtp.MessagePreparer;
import com.mailroute.smtp.PreparedMessage;
import com.mailroute.smtp.ServerCapabilities;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.testsupport.DkimVerifier;
import com.mailroute.testsupport.Spools;
import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing a spooled message (header fields from its head, body hash streamed from the file) gives the very bytes the
 * in-heap signer gives, and what dkimpy verifies.
 */
class DkimSpooledSigningTest {
    static final Spool HEAP = Spools.heap();
    static final Spool TINY = Spools.tiny();
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_767_225_600L), ZoneOffset.UTC);
    @TempDir
    static Path dir;
    static DkimKeys keys;
    static DkimVerifier verifier;

    @BeforeAll
    static void keys() {
        TestKeys.Key rsa = TestKeys.rsa(dir, "rsa", 2048);
        Map<String, String> s = new HashMap<>();
        s.put("mailroute.helo-name", "relay.test");
        s.put("mailroute.dkim.shop.example.selector", "mr");
        s.put("mailroute.dkim.shop.example.key", rsa.pem().toString());
        keys = DkimKeys.fromSettings(Settings.of(s));
        verifier = DkimVerifier.withRecords(Map.of("mr._domainkey.shop.example", rsa.txt()));
    }

    private static DkimSigning signing() {
        return new DkimSigning(keys, new Metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)), CLOCK);
    }

    private static MessagePreparer preparer(MessageBytes queued, Spool spool) {
        CapabilityAdapter adapter = new CapabilityAdapter(queued, "app@shop.example", List.of("dylan@example.net"),
                new SevenBitConverter(false, spool), "mx.example.net [192.0.2.1]");
        return signing().around(adapter, queued, "id=Q1 domain=example.net mx.example.net [192.0.2.1]");
    }

    private static final List<byte[]> CORPUS = List.of(
            DkimSigningTest.eightBit("Shop <app@shop.example>", ""),
            DkimSigningTest.eightBit("app@shop.example", "DKIM-Signature: v=1; a=rsa-sha256; d=app.example; s=x; h=from; bh=AAAA; b=BBBB\r\n"),
            DkimSigningTest.eightBit("app@elsewhere.example", "DKIM-Signature: v=1; a=rsa-sha256; d=elsewhere.example; s=x; h=from; bh=A; b=B\r\n"),
            ("From: app@shop.example\r\nSubject: trailing blank lines  \r\n\r\n  body \t with  spaces \r\n\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
            ("From: app@shop.example\r\nSubject: no final CRLF\r\n\r\nlast line").getBytes(StandardCharsets.US_ASCII),
            ("From: app@shop.example\r\nSubject: header only\r\n").getBytes(StandardCharsets.US_ASCII));

    @Test
    void aSpooledMessageShouldBeSignedToTheSameBytesAsInTheHeapWithAndWithoutConversion() throws Exception {
        for (byte[] message : CORPUS) {
            for (ServerCapabilities caps : List.of(DkimSigningTest.WITH_8BITMIME, DkimSigningTest.WITHOUT_8BITMIME)) {
                PreparedMessage heap = preparer(MessageBytes.of(message), HEAP).prepare(caps);
                MessageBytes spooled = Spools.spooled(TINY, message);
                PreparedMessage streamed = preparer(spooled, TINY).prepare(caps);
                assertThat(read(streamed.bytes())).as(new String(message, StandardCharsets.UTF_8) + " 8BITMIME " + caps.eightBitMime())
                        .isEqualTo(heap.bytes().toByteArray());
                streamed.releaseScratch();
                spooled.release();
            }
        }
        assertThat(Spools.files(TINY)).as("scratch spool files left").isZero();
    }

    @Test
    void aSpooledMessageSignatureShouldVerifyWithDkimpy() throws Exception {
        byte[] message = largeMessage(2 << 20, new Random(7));
        MessageBytes spooled = Spools.spooled(TINY, message);
        PreparedMessage signed = preparer(spooled, TINY).prepare(DkimSigningTest.WITH_8BITMIME);

        assertThat(read(signed.bytes().head(20))).asString().startsWith("DKIM-Signature: ");
        var results = verifier.verify(read(signed.bytes()));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.pass()).as(r.log()).isTrue());
        spooled.release();
    }

    @Test
    void aFortyMegabyteSpooledMessageShouldBeSignedAsAStreamToTheHeapSignersBytes() throws Exception {
        byte[] message = largeMessage(40 << 20, new Random(11));
        byte[] heapField = DkimSigner.signatureField(message, keys.forFromDomain("shop.example").orElseThrow(), CLOCK.instant().getEpochSecond());
        MessageBytes spooled = Spools.spooled(TINY, message);   // toByteArray() fails: the signer must stream it
        byte[] expected = sha256(heapField, message);
        message = null;    // from here on the test holds no copy either

        PreparedMessage signed = preparer(spooled, TINY).prepare(DkimSigningTest.WITH_8BITMIME);

        assertThat(signed.bytes().inHeap()).isFalse();
        assertThat(sha256(signed.bytes())).isEqualTo(expected);
        spooled.release();
    }

    /** A message with a large 8-bit body of lines with runs of spaces and tabs, and empty lines at its end. */
    static byte[] largeMessage(int bodySize, Random random) {
        StringBuilder line = new StringBuilder();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bodySize + 4096);
        out.writeBytes(("From: Shop <app@shop.example>\r\nTo: dylan@example.net\r\nSubject: big\r\nMessage-ID: <big@shop.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String[] words = {"Grüße", "aus", "Köln", "  ", "\t", "über", "x", " ."};
        while (out.size() < bodySize) {
            line.setLength(0);
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                line.append(words[random.nextInt(words.length)]).append(random.nextInt(4) == 0 ? "  " : " ");
            }
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes("\r\n \r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] read(MessageBytes bytes) {
        try (InputStream in = bytes.open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(byte[] b) {
        return b;
    }

    static byte[] sha256(byte[]... parts) {
        MessageDigest d = DkimSigner.sha256();
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }

    static byte[] sha256(MessageBytes bytes) throws IOException {
        MessageDigest d = DkimSigner.sha256();
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), d)) {
            bytes.writeTo(out);
        }
        return d.digest();
    }
}
