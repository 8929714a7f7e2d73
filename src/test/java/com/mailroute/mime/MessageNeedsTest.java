package com.mailroute.mime;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.mailroute.mime.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

class MessageNeedsTest {

    private static final String SENDER = "alice@example.com";
    private static final List<String> RECIPIENTS = List.of("bob@example.org");

    private static byte[] textMessage(String cte, String body) {
        Messages m = message().envelopeHeaders("needs").line("Content-Type: text/plain; charset=utf-8");
        if (cte != null) {
            m.line("Content-Transfer-Encoding: " + cte);
        }
        return m.line("").line(body).build();
    }

    @Test
    void ofShouldNeedNothingForAPlainAsciiMessage() {
        MessageNeeds needs = BothWays.needs(textMessage(null, "hello"), SENDER, RECIPIENTS);

        assertThat(needs.eightBit()).isFalse();
        assertThat(needs.smtpUtf8()).isFalse();
        assertThat(needs.signed()).isFalse();
    }

    @Test
    void ofShouldNeedEightBitWhenTheBodyHoldsEightBitBytes() {
        assertThat(BothWays.needs(textMessage("8bit", "schön"), SENDER, RECIPIENTS).eightBit()).isTrue();
    }

    @Test
    void ofShouldNeedEightBitWhenAPartIsDeclaredEightBitOrBinaryEvenIfItsBytesAreAscii() {
        assertThat(BothWays.needs(textMessage("8bit", "ascii"), SENDER, RECIPIENTS).eightBit()).isTrue();
        assertThat(BothWays.needs(textMessage("binary", "ascii"), SENDER, RECIPIENTS).eightBit()).isTrue();
        assertThat(BothWays.needs(textMessage("7bit", "ascii"), SENDER, RECIPIENTS).eightBit()).isFalse();
    }

    @Test
    void ofShouldNeedEightBitWhenANestedPartIsDeclaredEightBit() {
        byte[] nested = message().envelopeHeaders("nested")
                .line("Content-Type: multipart/mixed; boundary=b")
                .line("")
                .line("--b")
                .line("Content-Type: application/octet-stream")
                .line("Content-Transfer-Encoding: binary")
                .line("")
                .line("ascii bytes only")
                .line("--b--")
                .build();

        assertThat(BothWays.needs(nested, SENDER, RECIPIENTS).eightBit()).isTrue();
    }

    @Test
    void ofShouldNeedEightBitButNotSmtpUtf8ForAnEightBitSubject() {
        byte[] msg = message().line("From: a@example.com").line("Subject: Grüße").line("").line("x").build();

        MessageNeeds needs = BothWays.needs(msg, SENDER, RECIPIENTS);

        assertThat(needs.eightBit()).isTrue();
        assertThat(needs.smtpUtf8()).isFalse();
    }

    @Test
    void ofShouldNeedSmtpUtf8ForAUtf8LocalPartInTheEnvelope() {
        byte[] ascii = textMessage(null, "hello");

        assertThat(BothWays.needs(ascii, "jörg@example.com", RECIPIENTS).smtpUtf8()).isTrue();
        assertThat(BothWays.needs(ascii, SENDER, List.of("bob@example.org", "用户@example.cn")).smtpUtf8()).isTrue();
    }

    @Test
    void ofShouldNeedSmtpUtf8ForAUtf8LocalPartInTheFromHeader() {
        byte[] msg = message().line("From: Jörg <jörg@example.com>").line("To: bob@example.org").line("").line("x").build();

        assertThat(BothWays.needs(msg, "bounce@example.com", RECIPIENTS).smtpUtf8()).isTrue();
    }

    @Test
    void ofShouldNeedSmtpUtf8ForALatin1LocalPartInACcHeader() {
        byte[] msg = message().line("From: a@example.com").line("Cc: müller@example.com", StandardCharsets.ISO_8859_1)
                .line("").line("x").build();

        assertThat(BothWays.needs(msg, SENDER, RECIPIENTS).smtpUtf8()).isTrue();
    }

    @Test
    void ofShouldNotNeedSmtpUtf8WhenUtf8IsOnlyInDomainsAndDisplayNames() {
        byte[] msg = message().line("From: Jörg Müller <joerg@bücher.example>").line("To: info@пример.испытание")
                .line("").line("x").build();

        MessageNeeds needs = BothWays.needs(msg, "joerg@bücher.example", List.of("info@пример.испытание"));

        assertThat(needs.smtpUtf8()).isFalse();
        assertThat(needs.eightBit()).isTrue();
    }

    @Test
    void ofShouldReportSignedContentThatNeedsConversion() {
        MessageNeeds needs = BothWays.needs(SevenBitConverterTest.signedMessage(), SENDER, RECIPIENTS);

        assertThat(needs.signed()).isTrue();
        assertThat(needs.eightBit()).isTrue();
    }

    @Test
    void ofShouldReportNestedSignedContentThatNeedsConversion() {
        byte[] signed = SevenBitConverterTest.signedMessage();
        String signedEntity = new String(signed, StandardCharsets.UTF_8);
        signedEntity = signedEntity.substring(signedEntity.indexOf("Content-Type: multipart/signed"));
        byte[] outer = message().envelopeHeaders("outer")
                .line("Content-Type: multipart/mixed; boundary=m")
                .line("")
                .line("--m")
                .bytes(signedEntity.getBytes(StandardCharsets.UTF_8))
                .line("--m--")
                .build();

        assertThat(BothWays.needs(outer, SENDER, RECIPIENTS).signed()).isTrue();
    }

    @Test
    void ofShouldNotReportSignedWhenTheSignedContentIsSevenBit() {
        byte[] msg = message().line("From: a@example.com").line("Subject: Grüße").line("MIME-Version: 1.0")
                .line("Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s")
                .line("").line("--s").line("Content-Type: text/plain").line("").line("ascii").line("--s")
                .line("Content-Type: application/pgp-signature").line("").line("AAAA").line("--s--").build();

        MessageNeeds needs = BothWays.needs(msg, SENDER, RECIPIENTS);

        assertThat(needs.signed()).isFalse();
        assertThat(needs.eightBit()).isTrue();
    }
}
