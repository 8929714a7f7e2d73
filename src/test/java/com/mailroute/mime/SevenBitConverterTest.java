package com.mailroute.mime;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static com.mailroute.mime.Messages.ascii;
import static com.mailroute.mime.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SevenBitConverterTest {

    private final SevenBitConverter converter = BothWays.converter(false);

    static void assertWireClean7Bit(byte[] bytes) {
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            assertThat(bytes[i] & 0xFF).as("byte at offset %d", i).isLessThan(0x80);
            if (bytes[i] == '\n') {
                assertThat(i > 0 && bytes[i - 1] == '\r').as("CRLF at offset %d", i).isTrue();
                assertThat(i - 1 - lineStart).as("line length at offset %d", lineStart).isLessThanOrEqualTo(998);
                lineStart = i + 1;
            }
        }
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
    }

    @Test
    void convertShouldTurnSinglePartUtf8TextIntoQuotedPrintable() throws Exception {
        byte[] original = message().envelopeHeaders("greeting")
                .line("Content-Type: text/plain; charset=UTF-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Grüße aus Köln – 3 € pro Stück")
                .line("zweite Zeile")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.partsConverted()).isEqualTo(1);
        assertThat(conversion.headersEncoded()).isZero();
        assertThat(conversion.description()).isEqualTo("converted 8bit→7bit: 1 part, 0 headers");
        MimeMessage parsed = DecodedTree.parse(conversion.bytes().toByteArray());
        assertThat(parsed.getHeader("Content-Transfer-Encoding", null)).isEqualTo("quoted-printable");
        assertThat(parsed.getContent()).isEqualTo("Grüße aus Köln – 3 € pro Stück\r\nzweite Zeile\r\n");
        assertThat(parsed.getMessageID()).isEqualTo("<orig-1234@example.com>");
        assertThat(ascii(conversion.bytes().toByteArray())).startsWith("From: Alice <alice@example.com>\r\n"
                + "To: Bob <bob@example.org>\r\n"
                + "Subject: greeting\r\n"
                + "Message-ID: <orig-1234@example.com>\r\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        assertThat(DecodedTree.of(conversion.bytes().toByteArray())).isEqualTo(DecodedTree.of(original));
    }

    @Test
    void convertShouldTurnSinglePartLatin1TextIntoQuotedPrintable() throws Exception {
        byte[] original = message().envelopeHeaders("latin")
                .line("Content-Type: text/plain; charset=ISO-8859-1")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Ça coûte 5 £, señor", StandardCharsets.ISO_8859_1)
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(ascii(conversion.bytes().toByteArray())).contains("\r\n\r\n=C7a co=FBte 5 =A3, se=F1or\r\n");
        assertThat(DecodedTree.parse(conversion.bytes().toByteArray()).getContent()).isEqualTo("Ça coûte 5 £, señor\r\n");
        assertThat(DecodedTree.of(conversion.bytes().toByteArray())).isEqualTo(DecodedTree.of(original));
    }

    @Test
    void convertShouldConvertEveryEightBitPartOfNestedMultipartsAndLeaveSevenBitPartsByteForByte() throws Exception {
        byte[] attachment = new byte[256 - 0x80];
        for (int i = 0; i < attachment.length; i++) {
            attachment[i] = (byte) (0x80 + i);
        }
        String sevenBitPart = "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Disposition: inline;\r\n filename=\"readme.txt\"\r\n"
                + "\r\n"
                + "plain ASCII   \r\nstays as it is=3D\r\n";
        byte[] original = message().envelopeHeaders("nested")
                .line("Content-Type: multipart/mixed; boundary=\"outer\"")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("This is a preamble.")
                .line("--outer")
                .line("Content-Type: multipart/alternative; boundary=inner")
                .line("")
                .line("--inner")
                .line("Content-Type: text/plain; charset=utf-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Fußgängerübergänge")
                .line("--inner")
                .line("Content-Type: text/html; charset=utf-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("<p>Fußgängerübergänge = crossings</p>")
                .line("--inner--")
                .line("--outer")
                .bytes(sevenBitPart.getBytes(StandardCharsets.US_ASCII))
                .line("--outer")
                .line("Content-Type: application/octet-stream")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .bytes(attachment).line("")
                .line("--outer--")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.partsConverted()).isEqualTo(3);
        assertThat(conversion.description()).isEqualTo("converted 8bit→7bit: 3 parts, 0 headers");
        String out = ascii(conversion.bytes().toByteArray());
        assertThat(out).contains("\r\n--outer\r\n" + sevenBitPart + "--outer\r\n");
        assertThat(out).contains("Content-Type: multipart/mixed; boundary=\"outer\"\r\nContent-Transfer-Encoding: 7bit\r\n");
        assertThat(out).contains("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n");
        assertThat(out).contains("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n");
        assertThat(out).doesNotContain("\r\n\r\nThis is a preamble.\n");

        MimeMessage parsed = DecodedTree.parse(conversion.bytes().toByteArray());
        MimeMultipart mixed = (MimeMultipart) parsed.getContent();
        assertThat(mixed.getPreamble().strip()).isEqualTo("This is a preamble.");
        DecodedTree tree = DecodedTree.of(conversion.bytes().toByteArray());
        assertThat(tree).isEqualTo(DecodedTree.of(original));
        assertThat(tree.leaves()).extracting(DecodedTree.Leaf::contentType)
                .containsExactly("text/plain", "text/html", "text/plain", "application/octet-stream");
        assertThat(tree.leaves().get(0).decoded()).isEqualTo("Fußgängerübergänge");
        // The attachment's last CRLF belongs to the boundary, so the decoded bytes are exactly the attachment.
        assertThat(tree.leaves().get(3).decoded()).isEqualTo(HexFormat.of().formatHex(attachment));
    }

    @Test
    void convertShouldConvertTheInnerMessageOfAnRfc822AttachmentAndLabelThePartSevenBit() throws Exception {
        byte[] original = message().envelopeHeaders("forwarded")
                .line("Content-Type: multipart/mixed; boundary=b1")
                .line("")
                .line("--b1")
                .line("Content-Type: text/plain; charset=us-ascii")
                .line("")
                .line("see attached")
                .line("--b1")
                .line("Content-Type: message/rfc822")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("From: Jörg <joerg@example.net>")
                .line("Subject: Prüfbericht")
                .line("Message-ID: <inner-1@example.net>")
                .line("MIME-Version: 1.0")
                .line("Content-Type: text/plain; charset=utf-8")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("Der Bericht ist fertig – schön!")
                .line("--b1--")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.partsConverted()).isEqualTo(1);
        assertThat(conversion.headersEncoded()).isEqualTo(2);
        String out = ascii(conversion.bytes().toByteArray());
        assertThat(out).contains("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\n");
        assertThat(out).contains("Message-ID: <inner-1@example.net>\r\n");
        DecodedTree tree = DecodedTree.of(conversion.bytes().toByteArray());
        assertThat(tree).isEqualTo(DecodedTree.of(original));
        assertThat(tree.leaves()).extracting(DecodedTree.Leaf::decoded)
                .containsExactly("see attached", "Prüfbericht", "Der Bericht ist fertig – schön!");
        MimeMessage inner = (MimeMessage) ((MimeMultipart) DecodedTree.parse(conversion.bytes().toByteArray()).getContent())
                .getBodyPart(1).getContent();
        assertThat(((InternetAddress) inner.getFrom()[0]).getPersonal()).isEqualTo("Jörg");
        assertThat(inner.getHeader("Content-Transfer-Encoding", null)).isEqualTo("quoted-printable");
    }

    @Test
    void convertShouldEncodeRawEightBitSubjectAndDisplayNameAsRfc2047() throws Exception {
        byte[] original = message()
                .line("From: \"Müller, Jürgen\" <juergen@example.com>")
                .line("To: Zoë Ørsted <zoe@example.org>, plain@example.org")
                .line("Subject: Größenordnung der Änderungen für das nächste Quartal – bitte prüfen und bestätigen")
                .line("Message-ID: <h-1@example.com>")
                .line("MIME-Version: 1.0")
                .line("Content-Type: text/plain; charset=us-ascii")
                .line("")
                .line("body")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.partsConverted()).isZero();
        assertThat(conversion.headersEncoded()).isEqualTo(3);
        assertThat(conversion.description()).isEqualTo("converted 8bit→7bit: 0 parts, 3 headers");
        String out = ascii(conversion.bytes().toByteArray());
        assertThat(out).contains("=?UTF-8?").contains("<juergen@example.com>").contains("plain@example.org");
        assertThat(out).endsWith("Content-Type: text/plain; charset=us-ascii\r\n\r\nbody\r\n");
        MimeMessage parsed = DecodedTree.parse(conversion.bytes().toByteArray());
        assertThat(parsed.getSubject())
                .isEqualTo("Größenordnung der Änderungen für das nächste Quartal – bitte prüfen und bestätigen");
        InternetAddress from = (InternetAddress) parsed.getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Müller, Jürgen");
        assertThat(from.getAddress()).isEqualTo("juergen@example.com");
        assertThat(Arrays.stream(parsed.getRecipients(MimeMessage.RecipientType.TO))
                .map(a -> ((InternetAddress) a).getPersonal() + "|" + ((InternetAddress) a).getAddress()))
                .containsExactly("Zoë Ørsted|zoe@example.org", "null|plain@example.org");
        assertThat(java.util.Collections.list(parsed.getAllHeaders())).extracting(h -> h.getName())
                .containsExactly("From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type");
    }

    @Test
    void convertShouldDecodeLatin1HeaderBytesWithTheDeclaredCharset() throws Exception {
        byte[] original = message()
                .line("From: a@example.com")
                .line("Subject: Café crème", StandardCharsets.ISO_8859_1)
                .line("MIME-Version: 1.0")
                .line("Content-Type: text/plain; charset=iso-8859-1")
                .line("")
                .line("x")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(ascii(conversion.bytes().toByteArray())).contains("Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\r\n");
        assertThat(DecodedTree.parse(conversion.bytes().toByteArray()).getSubject()).isEqualTo("Café crème");
    }

    @Test
    void convertShouldTurnUnicodeDomainsIntoALabels() throws Exception {
        byte[] original = message()
                .line("From: sender@example.com")
                .line("To: Kunde <kunde@bücher.example>, info@пример.испытание")
                .line("MIME-Version: 1.0")
                .line("Content-Type: text/plain")
                .line("")
                .line("hello")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.headersEncoded()).isEqualTo(1);
        assertThat(ascii(conversion.bytes().toByteArray()))
                .contains("To: Kunde <kunde@xn--bcher-kva.example>, info@xn--e1afmkfd.xn--80akhbyknj4f\r\n");
    }

    @Test
    void convertShouldEncodeARawEightBitFilenameAsAnRfc2231Parameter() throws Exception {
        byte[] original = message().envelopeHeaders("attachment")
                .line("Content-Type: multipart/mixed; boundary=b")
                .line("")
                .line("--b")
                .line("Content-Type: application/pdf; name=\"Prüfbericht.pdf\"")
                .line("Content-Disposition: attachment; filename=\"Prüfbericht.pdf\"")
                .line("Content-Transfer-Encoding: base64")
                .line("")
                .line("JVBERi0xLjQK")
                .line("--b--")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.headersEncoded()).isEqualTo(2);
        assertThat(conversion.partsConverted()).isZero();
        String out = ascii(conversion.bytes().toByteArray());
        assertThat(out).contains("filename*=UTF-8''Pr%C3%BCfbericht.pdf").contains("\r\n\r\nJVBERi0xLjQK\r\n--b--");
        MimeMultipart mixed = (MimeMultipart) DecodedTree.parse(conversion.bytes().toByteArray()).getContent();
        assertThat(mixed.getBodyPart(0).getFileName()).isEqualTo("Prüfbericht.pdf");
        assertThat(DecodedTree.of(conversion.bytes().toByteArray())).isEqualTo(DecodedTree.of(original));
    }

    @Test
    void convertShouldRefuseSignedContentThatNeedsConversion() throws Exception {
        byte[] signed = signedMessage();

        assertThatThrownBy(() -> BothWays.convert(converter, signed))
                .isInstanceOfSatisfying(SignedContentException.class, e -> {
                    assertThat(e.enhancedStatus()).isEqualTo("5.6.3");
                    assertThat(e.getMessage()).isEqualTo("message is multipart/signed and contains 8-bit content;"
                            + " converting it to 7-bit would break the signature");
                });
    }

    @Test
    void convertShouldConvertSignedContentWhenAskedTo() throws Exception {
        byte[] signed = signedMessage();

        Conversion conversion = BothWays.convert(BothWays.converter(true), signed);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.partsConverted()).isEqualTo(1);
        DecodedTree tree = DecodedTree.of(conversion.bytes().toByteArray());
        assertThat(tree).isEqualTo(DecodedTree.of(signed));
        assertThat(tree.leaves().get(0).decoded()).isEqualTo("Überweisung freigegeben");
        assertThat(ascii(conversion.bytes().toByteArray())).contains("\r\n--sig\r\nContent-Type: application/pgp-signature\r\n\r\n"
                + "-----BEGIN PGP SIGNATURE-----\r\nAAAA\r\n-----END PGP SIGNATURE-----\r\n--sig--");
    }

    @Test
    void convertShouldEncodeHeadersOfASignedMessageWhoseSignedContentIsSevenBit() throws Exception {
        byte[] original = message()
                .line("From: a@example.com")
                .line("Subject: Überweisung")
                .line("MIME-Version: 1.0")
                .line("Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256; boundary=sig")
                .line("")
                .line("--sig")
                .line("Content-Type: text/plain; charset=us-ascii")
                .line("")
                .line("signed ascii")
                .line("--sig")
                .line("Content-Type: application/pgp-signature")
                .line("")
                .line("AAAA")
                .line("--sig--")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertWireClean7Bit(conversion.bytes().toByteArray());
        assertThat(conversion.headersEncoded()).isEqualTo(1);
        String body = ascii(original).substring(ascii(original).indexOf("\r\n\r\n"));
        assertThat(ascii(conversion.bytes().toByteArray())).endsWith(body);
    }

    @Test
    void convertShouldReturnSevenBitMessagesUnchanged() throws Exception {
        byte[] original = message().envelopeHeaders("plain")
                .line("Content-Type: multipart/alternative; boundary=x")
                .line("")
                .line("--x")
                .line("Content-Type: text/plain")
                .line("")
                .line("Gr=C3=BC=C3=9Fe")
                .line("--x--")
                .line("epilogue")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertThat(conversion.bytes().toByteArray()).isEqualTo(original);
        assertThat(conversion.partsConverted()).isZero();
        assertThat(conversion.headersEncoded()).isZero();
        assertThat(conversion.description()).isEqualTo("already 7-bit: nothing converted");
    }

    @Test
    void convertShouldRelabelAsciiTextDeclaredEightBit() throws Exception {
        byte[] original = message().envelopeHeaders("label")
                .line("Content-Type: text/plain")
                .line("Content-Transfer-Encoding: 8bit")
                .line("")
                .line("only ascii")
                .build();

        Conversion conversion = BothWays.convert(converter, original);

        assertThat(ascii(conversion.bytes().toByteArray())).endsWith("Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n\r\nonly ascii\r\n");
        assertThat(conversion.partsConverted()).isEqualTo(1);
    }

    static byte[] signedMessage() {
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
                .line("-----BEGIN PGP SIGNATURE-----")
                .line("AAAA")
                .line("-----END PGP SIGNATURE-----")
                .line("--sig--")
                .build();
    }
}
