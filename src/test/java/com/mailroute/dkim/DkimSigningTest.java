package com.mailroute.dkim;

import com.mailroute.spool.Spool;
import com.mailroute.testsupport.Spools;
import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.mailroute.settings.Settings;
import com.mailroute.admin.Metrics;
import com.mailroute.mime.CapabilityAdapter;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.smtp.MessagePreparer;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.PreparedMessage;
import com.mailroute.smtp.ServerCapabilities;
import com.mailroute.testsupport.DkimVerifier;
import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing step around the capability check: what each host gets, once per byte form, and what is counted. */
class DkimSigningTest {
    static final Spool HEAP = Spools.heap();
    static final ServerCapabilities WITH_8BITMIME = caps(true, 0);
    static final ServerCapabilities WITHOUT_8BITMIME = caps(false, 0);
    @TempDir
    static Path dir;
    static DkimKeys keys;
    static DkimVerifier verifier;

    final AtomicLong now = new AtomicLong(1_767_225_600L);
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(now.getAndIncrement()); // every signature made gets its own t=
        }
    };
    final Metrics metrics = new Metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
    final DkimSigning signing = new DkimSigning(keys, metrics, clock);

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

    static ServerCapabilities caps(boolean eightBitMime, long size) {
        Set<String> ext = eightBitMime ? Set.of("8BITMIME", "SIZE") : Set.of("SIZE");
        return new ServerCapabilities(ext, size, eightBitMime, false, false, true);
    }

    static byte[] eightBit(String from, String extraHeader) {
        return ("From: " + from + "\r\n" + extraHeader + "To: dylan@example.net\r\nSubject: Grüße\r\nMessage-ID: <1@shop.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Grüße aus Köln – bis bald.\r\n").getBytes(StandardCharsets.UTF_8);
    }

    MessagePreparer preparer(byte[] queued) {
        return preparer(MessageBytes.of(queued), HEAP);
    }

    MessagePreparer preparer(MessageBytes queued, Spool spool) {
        CapabilityAdapter adapter = new CapabilityAdapter(queued, "app@shop.example", java.util.List.of("dylan@example.net"),
                new SevenBitConverter(false, spool), "mx.example.net [192.0.2.1]");
        return signing.around(adapter, queued, "id=Q1 domain=example.net mx.example.net [192.0.2.1]");
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void eachHostShouldGetItsOwnByteFormSignedAndUnchangedOtherwise() throws Exception {
        byte[] queued = eightBit("Shop <app@shop.example>", "");

        PreparedMessage asIs = preparer(queued).prepare(WITH_8BITMIME);
        PreparedMessage converted = preparer(queued).prepare(WITHOUT_8BITMIME);

        assertThat(text(asIs.bytes().toByteArray())).startsWith("DKIM-Signature: v=1; a=rsa-sha256;").endsWith(text(queued));
        assertThat(asIs.bodyEightBitMime()).isTrue();
        assertThat(text(converted.bytes().toByteArray())).startsWith("DKIM-Signature: ").contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(converted.note()).startsWith("converted 8bit→7bit");
        assertThat(text(converted.bytes().toByteArray())).matches("[\\x00-\\x7F]*");
        assertThat(verifier.verifyAll(java.util.List.of(asIs.bytes().toByteArray(), converted.bytes().toByteArray())))
                .allSatisfy(r -> assertThat(r).singleElement().satisfies(s -> assertThat(s.pass()).as(s.log()).isTrue()));
        assertThat(metrics.scrape()).contains("mailroute_dkim_signed_total{domain=\"shop.example\"} 2.0");
    }

    @Test
    void sameBytesShouldBeSignedOnceAndTheSignatureReused() throws Exception {
        byte[] queued = eightBit("app@shop.example", "");

        byte[] first = preparer(queued).prepare(WITHOUT_8BITMIME).bytes().toByteArray();
        byte[] again = preparer(queued.clone()).prepare(WITHOUT_8BITMIME).bytes().toByteArray();   // the next attempt, read from the queue again
        byte[] other = preparer(queued).prepare(WITH_8BITMIME).bytes().toByteArray();

        assertThat(again).isEqualTo(first);                    // same t=: the cached field, not a new signature
        assertThat(tag(first, "t")).isNotEqualTo(tag(other, "t"));
    }

    @Test
    void mailFromADomainWithoutKeyShouldPassUntouched() throws Exception {
        byte[] queued = eightBit("app@elsewhere.example", "");

        PreparedMessage prepared = preparer(queued).prepare(WITH_8BITMIME);

        assertThat(prepared.bytes().toByteArray()).isSameAs(queued);
        assertThat(metrics.scrape()).doesNotContain("mailroute_dkim_signed_total{");
    }

    @Test
    void ownSignatureBrokenByConversionShouldBeCountedOnceAndMailRouteShouldSign() throws Exception {
        byte[] queued = eightBit("app@shop.example", "DKIM-Signature: v=1; a=rsa-sha256; d=app.example; s=x; h=from; bh=AAAA; b=BBBB\r\n");

        PreparedMessage unchanged = preparer(queued).prepare(WITH_8BITMIME);
        assertThat(metrics.scrape()).doesNotContain("mailroute_dkim_own_signature_broken_total{");
        PreparedMessage converted = preparer(queued).prepare(WITHOUT_8BITMIME);
        preparer(queued).prepare(WITHOUT_8BITMIME); // the next host gets the same bytes: no second count

        assertThat(metrics.scrape()).contains("mailroute_dkim_own_signature_broken_total{domain=\"shop.example\"} 1.0");
        var results = verifier.verify(converted.bytes().toByteArray());
        assertThat(results).extracting(DkimVerifier.Result::d).containsExactly("shop.example", "app.example");
        assertThat(results.get(0).pass()).as(results.get(0).log()).isTrue();
        assertThat(results.get(1).pass()).isFalse();
        assertThat(text(unchanged.bytes().toByteArray())).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example;");
    }

    @Test
    void ownSignatureBrokenWithoutAKeyShouldBeCountedAndLeaveUnsigned() throws Exception {
        byte[] queued = eightBit("app@elsewhere.example", "DKIM-Signature: v=1; a=rsa-sha256; d=elsewhere.example; s=x; h=from; bh=A; b=B\r\n");

        PreparedMessage converted = preparer(queued).prepare(WITHOUT_8BITMIME);

        assertThat(metrics.scrape()).contains("mailroute_dkim_own_signature_broken_total{domain=\"elsewhere.example\"} 1.0");
        assertThat(text(converted.bytes().toByteArray())).startsWith("From: app@elsewhere.example\r\nDKIM-Signature: v=1; a=rsa-sha256; d=elsewhere.example;")
                .contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(Arrays.equals(converted.bytes().toByteArray(), queued)).isFalse();
    }

    @Test
    void signatureThatPushesTheMessageOverTheHostsSizeLimitShouldBeRefusedBeforeMailFrom() throws Exception {
        byte[] queued = eightBit("app@shop.example", "");

        assertThatThrownBy(() -> preparer(queued).prepare(caps(true, queued.length + 10)))
                .isInstanceOfSatisfying(PolicyRejection.class, e -> {
                    assertThat(e.enhancedStatus()).isEqualTo("5.3.4");
                    assertThat(e.getMessage()).contains("with its DKIM signature exceeds the limit of " + (queued.length + 10));
                });
    }

    @Test
    void messageWithTwoFromDomainsShouldNotBeSigned() throws Exception {
        byte[] queued = eightBit("a@shop.example, b@other.example", "");

        assertThat(preparer(queued).prepare(WITH_8BITMIME).bytes().toByteArray()).isSameAs(queued);
    }

    private static String tag(byte[] signed, String tag) {
        String field = text(signed).substring(0, text(signed).indexOf("\r\nTo:")).replace("\r\n\t", " ");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[; ]" + tag + "=([^;]+);").matcher(field);
        return m.find() ? m.group(1) : null;
    }
}
