package com.mailroute.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mailroute.failure.DsnBuilder.FailedRecipient;
import com.mailroute.smtp.SmtpReply;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DsnBuilderTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-02T10:00:00Z");
    private static final Instant LAST_ATTEMPT = Instant.parse("2026-11-02T10:05:30Z");
    private static final String GMAIL_REPLY = "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
            + "550-5.1.1 double-checking the recipient's email address for typos or\r\n"
            + "550 5.1.1 unnecessary spaces. https://support.example/mail/?p=NoSuchUser x12-gsmtp";
    private static final byte[] ORIGINAL = ("From: Alice <alice@example.org>\r\n"
            + "To: bob@example.com\r\n"
            + "Subject: Quarterly report\r\n"
            + "Message-ID: <q3@example.org>\r\n"
            + "\r\n"
            + "Hello Bob,\r\nthe report is attached.\r\n").getBytes(StandardCharsets.US_ASCII);

    private final DsnBuilder builder = new DsnBuilder("relay.example.net", "MAILER-DAEMON@relay.example.net");

    @Test
    void buildShouldProduceAThreePartDeliveryStatusReport() throws Exception {
        byte[] bytes = builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, true);

        assertSevenBitCrlf(bytes);
        MimeMessage dsn = parse(bytes);

        ContentType type = new ContentType(dsn.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat(new ContentType(parts.getBodyPart(1).getContentType()).getBaseType()).isEqualTo("message/delivery-status");
        assertThat(new ContentType(parts.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("message/rfc822");
    }

    @Test
    void buildShouldAddressTheDsnToTheOriginalSenderFromThePostmaster() throws Exception {
        MimeMessage dsn = parse(builder.build("<alice@example.org>", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, true));

        assertThat(dsn.getHeader("To", ",")).isEqualTo("alice@example.org");
        assertThat(dsn.getHeader("From", ",")).isEqualTo("Mail Delivery System <MAILER-DAEMON@relay.example.net>");
        assertThat(dsn.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(dsn.getHeader("Auto-Submitted", ",")).isEqualTo("auto-replied");
        assertThat(dsn.getHeader("MIME-Version", ",")).isEqualTo("1.0");
        assertThat(dsn.getHeader("Message-ID", ",")).matches("<[0-9a-f]{32}@relay\\.example\\.net>");
        assertThat(dsn.getSentDate()).isNotNull();
    }

    @Test
    void deliveryStatusPartShouldCarryEveryField() throws Exception {
        MimeMessage dsn = parse(builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, true));

        List<InternetHeaders> groups = deliveryStatusGroups(dsn);

        assertThat(groups).hasSize(2);
        InternetHeaders perMessage = groups.get(0);
        assertThat(perMessage.getHeader("Reporting-MTA", ",")).isEqualTo("dns; relay.example.net");
        assertThat(perMessage.getHeader("X-MailRoute-Queue-ID", ",")).isEqualTo("Q123");
        assertThat(perMessage.getHeader("Arrival-Date", ",")).isEqualTo("Mon, 2 Nov 2026 10:00:00 +0000");
        InternetHeaders recipient = groups.get(1);
        assertThat(recipient.getHeader("Final-Recipient", ",")).isEqualTo("rfc822; bob@example.com");
        assertThat(recipient.getHeader("Action", ",")).isEqualTo("failed");
        assertThat(recipient.getHeader("Status", ",")).isEqualTo("5.1.1");
        assertThat(recipient.getHeader("Remote-MTA", ",")).isEqualTo("dns; mx1.example.com");
        assertThat(recipient.getHeader("Last-Attempt-Date", ",")).isEqualTo("Mon, 2 Nov 2026 10:05:30 +0000");
        String diagnostic = recipient.getHeader("Diagnostic-Code", ",");
        assertThat(diagnostic).startsWith("smtp; 550-5.1.1 The email account");
        for (String line : GMAIL_REPLY.split("\r\n")) {
            assertThat(diagnostic).contains(line);
        }
    }

    @Test
    void diagnosticCodeShouldFoldEachReplyLineOntoAContinuationLine() throws Exception {
        MimeMessage dsn = parse(builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, true));

        String body = rawContent(((MimeMultipart) dsn.getContent()).getBodyPart(1));

        assertThat(body).contains("Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
                + "    550-5.1.1 double-checking the recipient's email address for typos or\r\n"
                + "    550 5.1.1 unnecessary spaces. https://support.example/mail/?p=NoSuchUser x12-gsmtp\r\n");
    }

    @Test
    void humanPartShouldQuoteTheReplyVerbatimAndNameRecipientAndHost() throws Exception {
        MimeMessage dsn = parse(builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, true));

        String text = (String) ((MimeMultipart) dsn.getContent()).getBodyPart(0).getContent();

        for (String line : GMAIL_REPLY.split("\r\n")) {
            assertThat(text).contains("        " + line + "\r\n");
        }
        assertThat(text).contains("<bob@example.com>: delivery failed (status 5.1.1)")
                .contains("Remote host: mx1.example.com")
                .contains("given up");
    }

    @Test
    void thirdPartShouldHoldTheOriginalMessage() throws Exception {
        MimeMessage dsn = parse(builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, true));

        BodyPart part = ((MimeMultipart) dsn.getContent()).getBodyPart(2);

        assertThat(rawContent(part).getBytes(StandardCharsets.US_ASCII)).isEqualTo(ORIGINAL);
        MimeMessage original = (MimeMessage) part.getContent();
        assertThat(original.getSubject()).isEqualTo("Quarterly report");
        assertThat(original.getMessageID()).isEqualTo("<q3@example.org>");
    }

    @Test
    void thirdPartShouldHoldOnlyTheHeadersWhenTheWholeMessageIsNotWanted() throws Exception {
        MimeMessage dsn = parse(builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob()), ORIGINAL, false));

        BodyPart part = ((MimeMultipart) dsn.getContent()).getBodyPart(2);

        assertThat(new ContentType(part.getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        assertThat(rawContent(part)).isEqualTo("From: Alice <alice@example.org>\r\n"
                + "To: bob@example.com\r\n"
                + "Subject: Quarterly report\r\n"
                + "Message-ID: <q3@example.org>\r\n");
        assertThat((String) ((MimeMultipart) dsn.getContent()).getBodyPart(0).getContent())
                .contains("header section is attached");
    }

    @Test
    void anEightBitMessageShouldBeReportedWithItsHeadersOnlyAndStaySevenBit() throws Exception {
        byte[] eightBit = ("From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.org>\r\n"
                + "Subject: Gr\u00fc\u00dfe\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + "Sch\u00f6ne Gr\u00fc\u00dfe\r\n").getBytes(StandardCharsets.UTF_8);

        byte[] bytes = builder.build("joerg@example.org", "Q9", ARRIVAL, List.of(bob()), eightBit, true);

        assertSevenBitCrlf(bytes);
        BodyPart part = ((MimeMultipart) parse(bytes).getContent()).getBodyPart(2);
        assertThat(new ContentType(part.getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        assertThat(part.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        String decoded = new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(decoded).contains("Subject: Gr\u00fc\u00dfe\r\n").doesNotContain("Sch\u00f6ne");
    }

    @Test
    void theDsnShouldBeSevenBitWithCrlfLineEndsEvenForEightBitRepliesAndBareLfOriginals() throws Exception {
        FailedRecipient odd = new FailedRecipient("b\u00fcro@b\u00fccher.example", "failed", "5.7.1", "mx.b\u00fccher.example",
                SmtpReply.parse("550 5.7.1 Zugriff verweigert \u2013 Gr\u00fc\u00dfe"), null, LAST_ATTEMPT);
        byte[] bareLf = "Subject: hi\nTo: x@example.com\n\nline one\nline two\n".getBytes(StandardCharsets.US_ASCII);

        byte[] bytes = builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob(), odd), bareLf, true);

        assertSevenBitCrlf(bytes);
        MimeMessage dsn = parse(bytes);
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat((String) parts.getBodyPart(0).getContent())
                .contains("550 5.7.1 Zugriff verweigert \u2013 Gr\u00fc\u00dfe")
                .contains("<b\u00fcro@b\u00fccher.example>");
        InternetHeaders second = deliveryStatusGroups(dsn).get(2);
        assertThat(second.getHeader("Final-Recipient", ",")).isEqualTo("utf-8; b\\x{FC}ro@b\\x{FC}cher.example");
        assertThat(second.getHeader("Diagnostic-Code", ",")).isEqualTo("smtp; 550 5.7.1 Zugriff verweigert ? Gr??e");
        assertThat(rawContent(parts.getBodyPart(2))).isEqualTo("Subject: hi\r\nTo: x@example.com\r\n\r\nline one\r\nline two\r\n");
    }

    @Test
    void aNonAsciiDomainShouldBeWrittenInALabels() throws Exception {
        FailedRecipient r = new FailedRecipient("info@b\u00fccher.example", "failed", "5.1.1", null,
                SmtpReply.parse("550 5.1.1 unknown"), null, null);

        MimeMessage dsn = parse(builder.build("alice@m\u00fcller.example", "Q1", ARRIVAL, List.of(r), ORIGINAL, true));

        assertThat(dsn.getHeader("To", ",")).isEqualTo("alice@xn--mller-kva.example");
        assertThat(deliveryStatusGroups(dsn).get(1).getHeader("Final-Recipient", ","))
                .isEqualTo("rfc822; info@xn--bcher-kva.example");
    }

    @Test
    void multipleRecipientsShouldGetOneBlockEach() throws Exception {
        FailedRecipient carol = new FailedRecipient("carol@example.net", "failed", "5.2.2", "mx.example.net",
                SmtpReply.parse("552 5.2.2 Mailbox full"), null, LAST_ATTEMPT);
        FailedRecipient dave = new FailedRecipient("dave@nowhere.example", "failed", "5.1.2", null, null,
                "Host or domain name not found: nowhere.example has no MX or A record", LAST_ATTEMPT);

        MimeMessage dsn = parse(builder.build("alice@example.org", "Q123", ARRIVAL, List.of(bob(), carol, dave), ORIGINAL, true));

        List<InternetHeaders> groups = deliveryStatusGroups(dsn);
        assertThat(groups).hasSize(4);
        assertThat(groups.subList(1, 4)).extracting(g -> g.getHeader("Final-Recipient", ","))
                .containsExactly("rfc822; bob@example.com", "rfc822; carol@example.net", "rfc822; dave@nowhere.example");
        assertThat(groups.get(2).getHeader("Status", ",")).isEqualTo("5.2.2");
        assertThat(groups.get(2).getHeader("Diagnostic-Code", ",")).isEqualTo("smtp; 552 5.2.2 Mailbox full");
        assertThat(groups.get(3).getHeader("Remote-MTA")).isNull();
        assertThat(groups.get(3).getHeader("Diagnostic-Code", ","))
                .isEqualTo("X-MailRoute; Host or domain name not found: nowhere.example has no MX or A record");
        String text = (String) ((MimeMultipart) dsn.getContent()).getBodyPart(0).getContent();
        assertThat(text).contains("<carol@example.net>", "552 5.2.2 Mailbox full", "<dave@nowhere.example>",
                "Host or domain name not found: nowhere.example has no MX or A record");
    }

    @Test
    void aDelayedNoticeShouldSayUntilWhenDeliveryIsRetried() throws Exception {
        DsnBuilder withLifetime = new DsnBuilder("relay.example.net", "MAILER-DAEMON@relay.example.net", Duration.ofDays(5));
        FailedRecipient delayed = new FailedRecipient("bob@example.com", "delayed", "4.4.1", null, null,
                "connect to mx1.example.com[192.0.2.1]:25: Connection refused", LAST_ATTEMPT);

        MimeMessage dsn = parse(withLifetime.build("alice@example.org", "Q123", ARRIVAL, List.of(delayed), ORIGINAL, false));

        assertThat(dsn.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        InternetHeaders recipient = deliveryStatusGroups(dsn).get(1);
        assertThat(recipient.getHeader("Action", ",")).isEqualTo("delayed");
        assertThat(recipient.getHeader("Will-Retry-Until", ",")).isEqualTo("Sat, 7 Nov 2026 10:00:00 +0000");
        assertThat((String) ((MimeMultipart) dsn.getContent()).getBodyPart(0).getContent())
                .contains("will keep trying until Sat, 7 Nov 2026 10:00:00 +0000")
                .contains("Connection refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "<>"})
    void buildShouldRefuseTheNullSender(String sender) {
        assertThatThrownBy(() -> builder.build(sender, "Q1", ARRIVAL, List.of(bob()), ORIGINAL, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null sender");
    }

    @Test
    void buildShouldRefuseAMissingSender() {
        assertThatThrownBy(() -> builder.build(null, "Q1", ARRIVAL, List.of(bob()), ORIGINAL, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null sender");
    }

    @Test
    void buildShouldRefuseAnEmptyRecipientList() {
        assertThatThrownBy(() -> builder.build("alice@example.org", "Q1", ARRIVAL, List.of(), ORIGINAL, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one recipient");
    }

    @Test
    void failedRecipientShouldRejectAnUnknownActionOrABadStatus() {
        assertThatThrownBy(() -> new FailedRecipient("b@example.com", "bounced", "5.1.1", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bounced'");
        assertThatThrownBy(() -> new FailedRecipient("b@example.com", "failed", "550", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'550'");
    }

    private static FailedRecipient bob() {
        return new FailedRecipient("bob@example.com", "failed", "5.1.1", "mx1.example.com",
                SmtpReply.parse(GMAIL_REPLY), null, LAST_ATTEMPT);
    }

    private static MimeMessage parse(byte[] bytes) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    }

    /** The delivery-status body split into its field groups, each parsed as headers. */
    private static List<InternetHeaders> deliveryStatusGroups(MimeMessage dsn) throws Exception {
        String body = rawContent(((MimeMultipart) dsn.getContent()).getBodyPart(1));
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : body.split("\r\n\r\n")) {
            if (!group.isBlank()) {
                groups.add(new InternetHeaders(new ByteArrayInputStream((group + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return groups;
    }

    private static String rawContent(BodyPart part) throws MessagingException, IOException {
        try (InputStream in = ((jakarta.mail.internet.MimeBodyPart) part).getRawInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void assertSevenBitCrlf(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            assertThat(bytes[i] & 0xFF).as("byte %d", i).isLessThan(0x80).isNotZero();
            if (bytes[i] == '\n') {
                assertThat(i).as("LF at %d", i).isPositive();
                assertThat(bytes[i - 1]).as("byte before LF at %d", i).isEqualTo((byte) '\r');
            }
            if (bytes[i] == '\r') {
                assertThat(i + 1 < bytes.length && bytes[i + 1] == '\n').as("CR at %d followed by LF", i).isTrue();
            }
        }
    }
}
