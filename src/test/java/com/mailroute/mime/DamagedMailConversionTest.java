package com.mailroute.mime;

import com.mailroute.spool.MessageBytes;
import static com.mailroute.mime.Messages.ascii;
import static com.mailroute.mime.Messages.message;
import static com.mailroute.mime.SevenBitConverterTest.assertWireClean7Bit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.ServerCapabilities;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Damaged mail the issue-15 run found left 8-bit after conversion: each shape, converted the way readers read it. */
class DamagedMailConversionTest {

    private final SevenBitConverter converter = BothWays.converter(false);

    private static Messages multipart() {
        return message().envelopeHeaders("damaged").line("Content-Type: multipart/mixed; boundary=\"b\"").line("");
    }

    private static MimeMultipart parts(byte[] converted) throws Exception {
        return (MimeMultipart) DecodedTree.parse(converted).getContent();
    }

    @Test
    void base64PartHoldingRawEightBitLinesShouldBeBase64OfItsRawBytes() throws Exception {
        String body = "SGVsbG8gV29ybGQ=\r\nGrüße aus Köln\r\nSGVsbG8=";
        byte[] original = multipart().line("--b").line("Content-Type: application/pdf").line("Content-Transfer-Encoding: base64")
                .line("").line(body).line("--b--").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeBodyPart part = (MimeBodyPart) parts(converted).getBodyPart(0);
        assertThat(part.getEncoding()).isEqualTo("base64");
        assertThat(part.getContentType()).isEqualTo("application/pdf");
        assertThat(part.getInputStream().readAllBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void partWithAnUnknownEncodingAndEightBitBytesShouldBeBase64OfItsRawBytes() throws Exception {
        byte[] original = multipart().line("--b").line("Content-Type: text/plain; charset=utf-8").line("Content-Transfer-Encoding: 8bits")
                .line("").line("café").line("--b--").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeBodyPart part = (MimeBodyPart) parts(converted).getBodyPart(0);
        assertThat(part.getEncoding()).isEqualTo("base64");
        assertThat(part.getContent()).isEqualTo("café");
    }

    @Test
    void junkAfterTheEncodingTokenShouldBeDroppedAndTheBodyConvertedByTheToken() throws Exception {
        byte[] original = multipart().line("--b").line("Content-Type: text/plain; charset=utf-8").line("Content-Transfer-Encoding: 8bit Ça")
                .line("").line("naïve").line("--b--").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeBodyPart part = (MimeBodyPart) parts(converted).getBodyPart(0);
        assertThat(part.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(part.getContent()).isEqualTo("naïve");
    }

    @Test
    void partHeaderLineThatIsNoFieldAndHoldsEightBitShouldStartTheBody() throws Exception {
        byte[] original = multipart().line("--b").line("Content-Type: text/plain; charset=utf-8").line("Grüße, this is body text")
                .line("X-Ärger: also text").line("").line("rest").line("--b").line("Content-Type: text/plain").line("").line("second")
                .line("--b--").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeMultipart parts = parts(converted);
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Grüße, this is body text\r\nX-Ärger: also text\r\n\r\nrest");
        assertThat(ascii(converted)).contains("--b\r\nContent-Type: text/plain\r\n\r\nsecond\r\n");
    }

    @Test
    void eightBitInPreambleAndEpilogueShouldBecomeQuestionMarksAndTheEpilogueStay() throws Exception {
        byte[] original = multipart().line("Ce message est au format MIME, ça va").line("--b").line("Content-Type: text/plain")
                .line("").line("ascii part").line("--b--").line("Grüße vom Ende").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        assertThat(ascii(converted)).contains("\r\n\r\nCe message est au format MIME, ??a va\r\n--b\r\n")
                .contains("\r\n\r\nascii part\r\n--b--\r\nGr????e vom Ende\r\n");
        assertThat(parts(converted).getBodyPart(0).getContent()).isEqualTo("ascii part");
    }

    @Test
    void unquotedEightBitFilenameAndJunkAfterTheBoundaryShouldBeReadAsReadersReadThem() throws Exception {
        byte[] original = message().envelopeHeaders("damaged").line("Content-Type: multipart/mixed; boundary=\"b\" Ãa").line("")
                .line("--b").line("Content-Type: application/octet-stream").line("Content-Disposition: attachment; filename=Rechnung_März.pdf")
                .line("Content-Transfer-Encoding: base64").line("").line("AAEC").line("--b--").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeBodyPart part = (MimeBodyPart) parts(converted).getBodyPart(0);
        assertThat(part.getFileName()).isEqualTo("Rechnung_März.pdf");
        assertThat(part.getInputStream().readAllBytes()).containsExactly(0, 1, 2);
    }

    @Test
    void lastPartWithoutAnEmptyLineThatAngusWouldDropShouldBeKeptByConvertingTheMultipartAsText() throws Exception {
        byte[] original = multipart().line("--b").line("Content-Type: text/plain").line("").line("first").line("--b")
                .line("Content-Type: text/plain; charset=utf-8").line("Subject: no empty line, Grüße").line("--b--").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeMessage parsed = DecodedTree.parse(converted);
        assertThat(parsed.getContentType()).startsWith("text/plain");
        assertThat((String) parsed.getContent()).contains("first").contains("Subject: no empty line, Grüße");
    }

    @Test
    void eightBitGroupNameShouldBeEncodedAndAddressJunkKeptAsEncodedWords() throws Exception {
        byte[] original = message().line("From: Alice <alice@example.com>").line("To: Équipe: bob@example.org, Zoë <zoe@example.org>;")
                .line("Cc: Jörg <joerg@exa mple.com").line("Subject: s").line("MIME-Version: 1.0")
                .line("Content-Type: text/plain; charset=utf-8").line("").line("x").build();

        byte[] converted = BothWays.convert(converter, original).bytes().toByteArray();

        assertWireClean7Bit(converted);
        MimeMessage parsed = DecodedTree.parse(converted);
        InternetAddress group = (InternetAddress) parsed.getRecipients(MimeMessage.RecipientType.TO)[0];
        assertThat(group.isGroup()).isTrue();
        assertThat(group.getGroup(false)).extracting(InternetAddress::getAddress).containsExactly("bob@example.org", "zoe@example.org");
        assertThat(group.getGroup(false)[1].getPersonal()).isEqualTo("Zoë");
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(parsed.getHeader("Cc", null))).contains("Jörg");
    }

    @Test
    void aRealMailboxWithANonAsciiLocalPartShouldBeRefusedAs567() {
        byte[] original = message().line("From: Jörg <jörg@example.com>").line("To: bob@example.org").line("Subject: s")
                .line("").line("x").build();
        CapabilityAdapter adapter = new CapabilityAdapter(MessageBytes.of(original), "a@example.com", List.of("bob@example.org"), converter, "strict.test");

        assertThatThrownBy(() -> adapter.prepare(new ServerCapabilities(Set.of(), 0, false, false, false, false)))
                .isInstanceOf(PolicyRejection.class)
                .satisfies(e -> assertThat(((PolicyRejection) e).enhancedStatus()).isEqualTo("5.6.7"));
    }
}
