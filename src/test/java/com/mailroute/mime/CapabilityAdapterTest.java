package com.mailroute.mime;

import com.mailroute.spool.MessageBytes;
import static com.mailroute.mime.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.PreparedMessage;
import com.mailroute.smtp.ServerCapabilities;
import org.junit.jupiter.api.Test;

class CapabilityAdapterTest {

    private static final String HOST = "mx.example.org [192.0.2.25]";
    private static final List<String> BOB = List.of("bob@example.org");

    private static ServerCapabilities caps(long sizeLimit, String... keywords) {
        Set<String> ext = Set.of(keywords);
        return new ServerCapabilities(ext, sizeLimit, ext.contains("8BITMIME"), ext.contains("SMTPUTF8"),
                ext.contains("STARTTLS"), ext.contains("PIPELINING"));
    }

    private static CapabilityAdapter adapter(byte[] message, String sender, List<String> recipients) {
        return new CapabilityAdapter(MessageBytes.of(message), sender, recipients, BothWays.converter(false), HOST);
    }

    private static byte[] eightBitMessage() {
        return message().envelopeHeaders("Grüße")
                .line("Content-Type: text/plain; charset=utf-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Schöne Grüße aus Köln")
                .build();
    }

    private static byte[] asciiMessage() {
        return message().envelopeHeaders("hello")
                .line("Content-Type: text/plain; charset=us-ascii")
                .line("")
                .line("plain old ASCII")
                .build();
    }

    private static byte[] signedEightBitMessage() {
        return message().envelopeHeaders("signed")
                .line("Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256; boundary=sig")
                .line("")
                .line("--sig")
                .line("Content-Type: text/plain; charset=utf-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Überweisung freigegeben")
                .line("--sig")
                .line("Content-Type: application/pgp-signature")
                .line("")
                .line("AAAA")
                .line("--sig--")
                .build();
    }

    private static void assertAllSevenBit(byte[] bytes) {
        for (byte b : bytes) {
            assertThat(b & 0xFF).as("every byte is 7-bit").isLessThan(0x80);
        }
    }

    @Test
    void prepareShouldSendEightBitAsIsWhenTheHostAnnounces8BitMime() throws PolicyRejection {
        byte[] m = eightBitMessage();

        PreparedMessage p = adapter(m, "alice@example.com", BOB).prepare(caps(0, "8BITMIME", "PIPELINING"));

        assertThat(p.bytes().toByteArray()).isEqualTo(m);
        assertThat(p.bodyEightBitMime()).isTrue();
        assertThat(p.smtpUtf8()).isFalse();
        assertThat(p.note()).isEmpty();
    }

    @Test
    void prepareShouldConvertEightBitToSevenBitWhenTheHostLacks8BitMime() throws Exception {
        byte[] m = eightBitMessage();

        PreparedMessage p = adapter(m, "alice@example.com", BOB).prepare(caps(0, "PIPELINING"));

        assertAllSevenBit(p.bytes().toByteArray());
        assertThat(p.bodyEightBitMime()).isFalse();
        assertThat(p.note()).isEqualTo("converted 8bit→7bit: 1 part, 1 header");
        assertThat(DecodedTree.of(p.bytes().toByteArray())).isEqualTo(DecodedTree.of(m));
    }

    @Test
    void prepareShouldLeaveASevenBitMessageAloneWithout8BitMime() throws PolicyRejection {
        byte[] m = asciiMessage();

        PreparedMessage p = adapter(m, "alice@example.com", BOB).prepare(caps(0));

        assertThat(p.bytes().toByteArray()).isEqualTo(m);
        assertThat(p.bodyEightBitMime()).isFalse();
        assertThat(p.smtpUtf8()).isFalse();
        assertThat(p.note()).isEmpty();
    }

    @Test
    void prepareShouldRefuseSignedEightBitContentWith563WhenTheHostLacks8BitMime() {
        assertThatThrownBy(() -> adapter(signedEightBitMessage(), "alice@example.com", BOB).prepare(caps(0, "PIPELINING")))
                .isInstanceOfSatisfying(PolicyRejection.class, e -> {
                    assertThat(e.enhancedStatus()).isEqualTo("5.6.3");
                    assertThat(e.getMessage()).isEqualTo("message is multipart/signed and contains 8-bit content;"
                            + " converting it to 7-bit would break the signature; " + HOST + " does not announce 8BITMIME");
                });
    }

    @Test
    void prepareShouldSendSignedEightBitContentUntouchedTo8BitMimeHost() throws PolicyRejection {
        byte[] m = signedEightBitMessage();

        PreparedMessage p = adapter(m, "alice@example.com", BOB).prepare(caps(0, "8BITMIME"));

        assertThat(p.bytes().toByteArray()).isEqualTo(m);
        assertThat(p.bodyEightBitMime()).isTrue();
    }

    @Test
    void prepareShouldRefuseAUtf8LocalPartWith567WhenTheHostLacksSmtpUtf8() {
        assertThatThrownBy(() -> adapter(asciiMessage(), "alice@example.com", List.of("jörg@example.org")).prepare(caps(0, "8BITMIME")))
                .isInstanceOfSatisfying(PolicyRejection.class, e -> {
                    assertThat(e.enhancedStatus()).isEqualTo("5.6.7");
                    assertThat(e.getMessage()).isEqualTo("the message needs SMTPUTF8 (UTF-8 in a mailbox local part) and "
                            + HOST + " does not announce SMTPUTF8");
                });
    }

    @Test
    void prepareShouldRefuseAUtf8SenderLocalPartWith567WhenTheHostLacksSmtpUtf8() {
        assertThatThrownBy(() -> adapter(asciiMessage(), "jörg@example.com", BOB).prepare(caps(0)))
                .isInstanceOfSatisfying(PolicyRejection.class, e -> assertThat(e.enhancedStatus()).isEqualTo("5.6.7"));
    }

    @Test
    void prepareShouldAskForSmtpUtf8WhenTheHostAnnouncesIt() throws PolicyRejection {
        byte[] m = asciiMessage();

        PreparedMessage p = adapter(m, "alice@example.com", List.of("jörg@example.org")).prepare(caps(0, "8BITMIME", "SMTPUTF8"));

        assertThat(p.smtpUtf8()).isTrue();
        assertThat(p.bytes().toByteArray()).isEqualTo(m);
    }

    @Test
    void prepareShouldNotNeedSmtpUtf8ForAnIdnDomainOnly() throws PolicyRejection {
        PreparedMessage p = adapter(asciiMessage(), "alice@example.com", List.of("info@bücher.example")).prepare(caps(0));

        assertThat(p.smtpUtf8()).isFalse();
    }

    @Test
    void prepareShouldRefuseWith534WhenTheAnnouncedSizeIsExceeded() {
        byte[] m = asciiMessage();
        long limit = m.length - 1;

        assertThatThrownBy(() -> adapter(m, "alice@example.com", BOB).prepare(caps(limit, "SIZE", "8BITMIME")))
                .isInstanceOfSatisfying(PolicyRejection.class, e -> {
                    assertThat(e.enhancedStatus()).isEqualTo("5.3.4");
                    assertThat(e.getMessage()).isEqualTo("message size " + m.length + " bytes exceeds the limit of " + limit
                            + " bytes announced by " + HOST);
                });
    }

    @Test
    void prepareShouldCompareTheSizeAfterConversion() {
        byte[] m = eightBitMessage();

        // quoted-printable makes the converted message bigger than the original
        assertThatThrownBy(() -> adapter(m, "alice@example.com", BOB).prepare(caps(m.length, "SIZE")))
                .isInstanceOfSatisfying(PolicyRejection.class, e -> {
                    assertThat(e.enhancedStatus()).isEqualTo("5.3.4");
                    assertThat(e.getMessage()).contains("exceeds the limit of " + m.length + " bytes");
                });
    }

    @Test
    void prepareShouldAcceptAMessageWithinTheAnnouncedSize() throws PolicyRejection {
        byte[] m = asciiMessage();

        PreparedMessage p = adapter(m, "alice@example.com", BOB).prepare(caps(m.length, "SIZE"));

        assertThat(p.bytes().toByteArray()).isEqualTo(m);
    }

    @Test
    void prepareShouldIgnoreSizeWithoutALimit() throws PolicyRejection {
        byte[] m = asciiMessage();

        PreparedMessage p = adapter(m, "alice@example.com", BOB).prepare(caps(0, "SIZE"));

        assertThat(p.bytes().toByteArray()).isEqualTo(m);
    }

    private static byte[] nested(int depth) {
        StringBuilder sb = new StringBuilder("From: a@s.test\r\nTo: b@r.test\r\nSubject: n\r\nMIME-Version: 1.0\r\n");
        for (int i = 0; i < depth; i++) {
            sb.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
        }
        sb.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nh\u00e9\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            sb.append("--b").append(i).append("--\r\n");
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void absurdlyDeepEightBitMessageShouldBeRefusedPermanentlyForAHostWithout8BitMime() {
        assertThatThrownBy(() -> adapter(nested(2000), "a@s.test", BOB).prepare(caps(0, "PIPELINING")))
                .isInstanceOf(PolicyRejection.class)
                .hasMessageContaining("nested deeper than 50 levels")
                .satisfies(e -> assertThat(((PolicyRejection) e).enhancedStatus()).isEqualTo("5.6.3"));
    }

    @Test
    void absurdlyDeepEightBitMessageShouldStillGoAsItIsToAHostWith8BitMime() throws Exception {
        byte[] m = nested(2000);
        PreparedMessage p = adapter(m, "a@s.test", BOB).prepare(caps(0, "8BITMIME"));

        assertThat(p.bytes().toByteArray()).isSameAs(m);
        assertThat(p.bodyEightBitMime()).isTrue();
    }

    @Test
    void nestingWithinTheLimitShouldStillBeConverted() throws Exception {
        PreparedMessage p = adapter(nested(40), "a@s.test", BOB).prepare(caps(0, "PIPELINING"));

        assertAllSevenBit(p.bytes().toByteArray());
    }

    @Test
    void plainNonMimeLatin1MessageShouldBecomeAReadableMimeMessage() throws Exception {
        byte[] m = "From: a@s.test\r\nTo: b@r.test\r\nSubject: p\r\n\r\np\u00e5 fredag\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        PreparedMessage p = adapter(m, "a@s.test", BOB).prepare(caps(0, "PIPELINING"));

        assertAllSevenBit(p.bytes().toByteArray());
        var parsed = new jakarta.mail.internet.MimeMessage(null, new java.io.ByteArrayInputStream(p.bytes().toByteArray()));
        assertThat(parsed.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(parsed.getContentType()).contains("charset=iso-8859-1");
        assertThat(parsed.getContent().toString().strip()).isEqualTo("p\u00e5 fredag");
    }
}
