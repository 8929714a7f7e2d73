package com.mailroute.sanitize;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.MessageBytes;
import com.mailroute.testsupport.Spools;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageSanitizerTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    static final String RECEIVED = "Received: from pickup by relay.example (MailRoute) with pickup id 0A1B2C;\r\n"
            + "\tTue, 24 Nov 2026 12:00:00 +0000\r\n";
    static final String CLEAN_HEADERS = "From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n"
            + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n";

    private final MessageSanitizer sanitizer = new MessageSanitizer("relay.example", CLOCK, Spools.standard());

    private SanitizedMessage sanitize(String message) {
        return sanitizer.sanitize(MessageBytes.of(message.getBytes(ISO_8859_1)), "pickup", "0A1B2C");
    }

    private static String text(SanitizedMessage message) {
        return new String(message.bytes().toByteArray(), ISO_8859_1);
    }

    /** The output with the prepended Received header removed. */
    private static String afterReceived(SanitizedMessage message) {
        String all = text(message);
        assertThat(all).startsWith(RECEIVED);
        return all.substring(RECEIVED.length());
    }

    /** Fails unless every line ends in CRLF (the last one too), there is no NUL and no line exceeds 998 octets. */
    static void assertWireClean(byte[] bytes) {
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == 0) {
                fail("NUL at offset " + i);
            }
            if (b == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
                fail("bare CR at offset " + i);
            }
            if (b == '\n') {
                if (i == 0 || bytes[i - 1] != '\r') {
                    fail("bare LF at offset " + i);
                }
                if (i - 1 - lineStart > 998) {
                    fail("line of " + (i - 1 - lineStart) + " octets at offset " + lineStart);
                }
                lineStart = i + 1;
            }
        }
        if (lineStart != bytes.length) {
            fail("last line does not end with CRLF");
        }
    }

    static MimeMessage parse(byte[] bytes) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    }

    @Test
    void cleanMessageShouldPassByteForByteBehindTheReceivedHeader() {
        String clean = CLEAN_HEADERS + "DKIM-Signature: v=1; a=rsa-sha256; d=example.com;\r\n\tb=abc\r\n\r\n"
                + "Body line\r\n.\r\n..dots\r\n\r\nl\u00e9 8bit\r\n";

        SanitizedMessage result = sanitize(clean);

        assertThat(text(result)).isEqualTo(RECEIVED + clean);
        assertThat(result.report().isClean()).isTrue();
        assertThat(result.report()).hasToString("clean");
    }

    @Test
    void receivedHeaderShouldNameWayInHeloNameQueueIdAndDateFoldedWithinSeventyEightCharacters() {
        SanitizedMessage result = sanitizer.sanitize(MessageBytes.of((CLEAN_HEADERS + "\r\nx\r\n").getBytes(ISO_8859_1)), "jms", "0A1B2C");

        String received = text(result).substring(0, text(result).indexOf("From: "));
        assertThat(received.replace("\r\n", "")).isEqualTo(
                "Received: from jms by relay.example (MailRoute) with jms id 0A1B2C;\tTue, 24 Nov 2026 12:00:00 +0000");
        assertThat(received).endsWith("\r\n");
        for (String line : received.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void seedCaseWithBareLfEverywhereShouldBecomeCrlfWithTheBodyIntact() {
        String seed = "From: shop@example.com\nTo: dylan@example.org\nSubject: Your order\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <order-1@example.com>\n\n"
                + "Dear Dylan,\nThankyou for ordering ...\n\nKind regards\n";

        SanitizedMessage result = sanitize(seed);

        assertThat(afterReceived(result)).isEqualTo(seed.replace("\n", "\r\n"));
        assertWireClean(result.bytes().toByteArray());
        assertThat(result.report().count("bare-lf")).isEqualTo(10);
        assertThat(result.report()).hasToString("bare-lf=10");
    }

    @Test
    void bareCrAndCrCrLfShouldEachBecomeOneLineBreak() {
        String input = CLEAN_HEADERS + "\r\none\rtwo\r\r\nthree\r\r\r\nfour\r\n";

        SanitizedMessage result = sanitize(input);

        assertThat(afterReceived(result)).isEqualTo(CLEAN_HEADERS + "\r\none\r\ntwo\r\nthree\r\nfour\r\n");
        assertThat(result.report().count("bare-cr")).isEqualTo(1);
        assertThat(result.report().count("crcrlf")).isEqualTo(2);
    }

    @Test
    void consecutiveBareCrsShouldBeConsecutiveLineBreaks() {
        SanitizedMessage result = sanitize(CLEAN_HEADERS + "\r\na\r\rb\r\n");

        assertThat(afterReceived(result)).isEqualTo(CLEAN_HEADERS + "\r\na\r\n\r\nb\r\n");
        assertThat(result.report().count("bare-cr")).isEqualTo(2);
    }

    @Test
    void nulBytesShouldBeRemovedAndCounted() {
        SanitizedMessage result = sanitize(CLEAN_HEADERS + "\r\nab\0c\0\r\n\0");

        assertThat(afterReceived(result)).isEqualTo(CLEAN_HEADERS + "\r\nabc\r\n");
        assertThat(result.report().count("nul")).isEqualTo(3);
        assertThat(result.report()).hasToString("nul=3");
    }

    @Test
    void reportShouldListEveryKindOfChange() {
        SanitizedMessage result = sanitize("From: a@example.com\nBcc: x@example.net\n\nbody\0\n");

        assertThat(result.report().counts()).containsOnlyKeys("bare-lf", "nul", "bcc-removed", "date-added", "message-id-added");
        assertThat(result.report()).hasToString("bare-lf=4 nul=1 bcc-removed=1 date-added=1 message-id-added=1");
        assertThat(result.report().isClean()).isFalse();
    }

    @Test
    void missingFinalLineEndShouldBeAdded() {
        SanitizedMessage result = sanitize(CLEAN_HEADERS + "\r\nlast line");

        assertThat(afterReceived(result)).isEqualTo(CLEAN_HEADERS + "\r\nlast line\r\n");
        assertThat(result.report().count("final-crlf-added")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n"})
    void smugglingTerminatorShouldBecomeAnOrdinaryDotLineAndKeepTheInjectedText(String terminator) {
        String injected = "MAIL FROM:<x>\r\nRCPT TO:<y>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n";
        String input = CLEAN_HEADERS + "\r\nhello" + terminator + injected + "tail\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        String out = afterReceived(result);
        assertThat(out).isEqualTo(CLEAN_HEADERS + "\r\nhello\r\n.\r\n" + injected + "tail\r\n");
        // The only dot lines are the two the sender wrote as lines; dot-stuffing protects both.
        assertThat(out.split("\r\n", -1)).filteredOn("."::equals).hasSize(2);
    }

    @Test
    void longTextLineInSinglePartMessageShouldReencodeTheBodyAsQuotedPrintable() throws Exception {
        String longLine = "word ".repeat(300) + "\u00e9nd";
        String input = "From: a@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@x>\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "short\r\n" + longLine + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        String out = afterReceived(result);
        assertThat(out).contains("Content-Transfer-Encoding: quoted-printable\r\n").doesNotContain("8bit");
        assertThat(out).contains("=E9nd");
        MimeMessage parsed = parse(result.bytes().toByteArray());
        assertThat(parsed.getInputStream().readAllBytes()).isEqualTo(("short\r\n" + longLine + "\r\n").getBytes(ISO_8859_1));
        assertThat(result.report().count("long-lines")).isEqualTo(1);
        assertThat(parsed.getHeader("MIME-Version", null)).isEqualTo("1.0");
    }

    @Test
    void longLineInOneMultipartPartShouldReencodeOnlyThatPart() throws Exception {
        String first = "--b1\r\nContent-Type: text/plain\r\n\r\nfirst part stays\r\n";
        String longLine = "x".repeat(1200);
        String input = CLEAN_HEADERS + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n" + first
                + "--b1\r\nContent-Type: text/plain\r\n\r\n" + longLine + "\r\nend\r\n"
                + "--b1\r\nContent-Type: application/octet-stream\r\n\r\n" + "y".repeat(1000) + "\r\n"
                + "--b1--\r\nepilogue\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        String out = afterReceived(result);
        assertThat(out).startsWith(CLEAN_HEADERS + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n" + first + "--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        assertThat(out).contains("--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        assertThat(out).endsWith("\r\n--b1--\r\nepilogue\r\n");
        MimeMultipart multipart = (MimeMultipart) parse(result.bytes().toByteArray()).getContent();
        assertThat(multipart.getCount()).isEqualTo(3);
        assertThat(multipart.getBodyPart(0).getInputStream().readAllBytes()).isEqualTo("first part stays".getBytes(ISO_8859_1));
        assertThat(multipart.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo((longLine + "\r\nend").getBytes(ISO_8859_1));
        assertThat(multipart.getBodyPart(2).getInputStream().readAllBytes()).isEqualTo("y".repeat(1000).getBytes(ISO_8859_1));
        assertThat(result.report().count("long-lines")).isEqualTo(2);
    }

    @Test
    void longLineInNestedMultipartAndEnclosedMessageShouldBeReencodedInPlace() throws Exception {
        String longLine = "z".repeat(1500);
        String input = CLEAN_HEADERS + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
                + "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
                + "--inner\r\nContent-Type: text/html\r\n\r\n<p>" + longLine + "</p>\r\n--inner--\r\n"
                + "--outer\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Subject: enclosed\r\n\r\n" + longLine + "\r\n"
                + "--outer--\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        MimeMultipart outer = (MimeMultipart) parse(result.bytes().toByteArray()).getContent();
        MimeMultipart inner = (MimeMultipart) outer.getBodyPart(0).getContent();
        assertThat(inner.getBodyPart(0).getInputStream().readAllBytes()).isEqualTo(("<p>" + longLine + "</p>").getBytes(ISO_8859_1));
        MimeMessage enclosed = (MimeMessage) outer.getBodyPart(1).getContent();
        assertThat(enclosed.getSubject()).isEqualTo("enclosed");
        assertThat(enclosed.getEncoding()).isEqualTo("quoted-printable");
        assertThat(enclosed.getInputStream().readAllBytes()).isEqualTo(longLine.getBytes(ISO_8859_1));
        assertThat(outer.getBodyPart(1).getHeader("Content-Transfer-Encoding")).isNull();
        assertThat(result.report().count("long-lines")).isEqualTo(2);
    }

    @Test
    void longNonTextSinglePartShouldGoBase64() throws Exception {
        String data = "\u00ff".repeat(1100);
        String input = CLEAN_HEADERS + "Content-Type: application/octet-stream\r\n\r\n" + data + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        MimeMessage parsed = parse(result.bytes().toByteArray());
        assertThat(parsed.getEncoding()).isEqualTo("base64");
        assertThat(parsed.getInputStream().readAllBytes()).isEqualTo((data + "\r\n").getBytes(ISO_8859_1));
    }

    @Test
    void longHeaderLineShouldBeFoldedAtWhitespaceKeepingItsUnfoldedValue() throws Exception {
        String value = "recipient@example.org, ".repeat(60).trim();
        String input = CLEAN_HEADERS + "Cc: " + value + "\r\n\r\nbody\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        assertThat(afterReceived(result)).contains("\r\n recipient@example.org,");
        assertThat(parse(result.bytes().toByteArray()).getHeader("Cc", null).replace("\r\n", "")).isEqualTo(value);
        assertThat(result.report().count("folded-headers")).isEqualTo(1);
    }

    @Test
    void unfoldableLongTokenInAStructuredFieldShouldBeSplitWithCrlfSpaceAsPostfixDoes() throws Exception {
        String token = "a".repeat(1200);
        String input = CLEAN_HEADERS + "X-Token: " + token + "\r\n\r\nbody\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        String out = afterReceived(result);
        String value = parse(result.bytes().toByteArray()).getHeader("X-Token", null).replace("\r\n", "").strip();
        assertThat(value.replace(" ", "")).isEqualTo(token);
        assertThat(value).containsOnlyOnce(" ");
        assertThat(result.report().count("header-split")).isEqualTo(1);
        assertThat(result.report().count("folded-headers")).isEqualTo(1);
    }

    @Test
    void unfoldableLongSubjectShouldBeRfc2047EncodedDecodingToTheSameText() throws Exception {
        String subject = "Gr\u00fc\u00dfe " + "x".repeat(1500) + " \u00e9t\u00e9";
        String input = CLEAN_HEADERS.replace("Subject: hi\r\n", "") + "Subject: " + subject + "\r\n\r\nbody\r\n";

        SanitizedMessage result = sanitizer.sanitize(MessageBytes.of(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "pickup", "0A1B2C");

        assertWireClean(result.bytes().toByteArray());
        assertThat(afterReceived(result)).contains("Subject: =?UTF-8?B?").doesNotContain("x".repeat(100));
        assertThat(parse(result.bytes().toByteArray()).getSubject()).isEqualTo(subject);
        assertThat(result.report().count("header-encoded")).isEqualTo(1);
    }

    @Test
    void missingDateAndMessageIdShouldBeAddedUsingClockAndHeloName() throws Exception {
        SanitizedMessage result = sanitize("From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n");

        String out = afterReceived(result);
        assertThat(out).startsWith("From: a@example.com\r\nSubject: s\r\nDate: Tue, 24 Nov 2026 12:00:00 +0000\r\nMessage-ID: <");
        assertThat(out).endsWith("@relay.example>\r\n\r\nbody\r\n");
        assertThat(parse(result.bytes().toByteArray()).getMessageID()).matches("<[0-9a-f]{32}@relay\\.example>");
        assertThat(result.report().count("date-added")).isEqualTo(1);
        assertThat(result.report().count("message-id-added")).isEqualTo(1);
    }

    @Test
    void messageIdsShouldDifferBetweenMessages() throws Exception {
        String input = "From: a@example.com\r\n\r\nbody\r\n";
        assertThat(parse(sanitize(input).bytes().toByteArray()).getMessageID()).isNotEqualTo(parse(sanitize(input).bytes().toByteArray()).getMessageID());
    }

    @Test
    void dateAndMessageIdInAnyCaseShouldCountAsPresent() {
        String input = "From: a@example.com\r\nDATE: Mon, 23 Nov 2026 10:00:00 +0000\r\nmessage-id: <1@x>\r\n\r\nb\r\n";

        assertThat(afterReceived(sanitize(input))).isEqualTo(input);
    }

    @Test
    void everyBccFieldShouldBeRemovedWithItsContinuationLines() {
        String input = "From: a@example.com\r\nBcc: one@example.net,\r\n two@example.net\r\n\tthree@example.net\r\n"
                + "To: b@example.org\r\nbcc: four@example.net\r\n" + CLEAN_HEADERS.substring(CLEAN_HEADERS.indexOf("Subject")) + "\r\nbody\r\n";

        SanitizedMessage result = sanitize(input);

        String out = afterReceived(result);
        assertThat(out).doesNotContainIgnoringCase("bcc").doesNotContain("example.net");
        assertThat(out).startsWith("From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n");
        assertThat(result.report().count("bcc-removed")).isEqualTo(2);
    }

    @Test
    void headersWithoutBodyShouldBeAccepted() {
        String input = CLEAN_HEADERS;

        assertThat(afterReceived(sanitize(input))).isEqualTo(input);
        assertThat(afterReceived(sanitize("Subject: only\r\n"))).startsWith("Subject: only\r\nDate: ").endsWith(">\r\n");
    }

    @Test
    void lineWithoutColonShouldEndTheHeaderSectionWithAnInsertedEmptyLine() {
        SanitizedMessage result = sanitize("From: a@example.com\nTo: b@example.org\nthis is body text\nmore: body\n");

        assertThat(afterReceived(result)).startsWith("From: a@example.com\r\nTo: b@example.org\r\nDate: ")
                .endsWith(">\r\n\r\nthis is body text\r\nmore: body\r\n");
        assertThat(result.report().count("header-end-inserted")).isEqualTo(1);
        assertThat(new String(result.senderHeader(), ISO_8859_1)).isEqualTo("From: a@example.com\r\nTo: b@example.org\r\n");
    }

    @Test
    void lineWithAnIllegalCharacterInTheFieldNameShouldEndTheHeaderSection() {
        for (String bad : new String[] {"X-B\u00e4d: v", "X Bad: v", ": no name", "X-\u0001Ctl: v"}) {
            SanitizedMessage result = sanitize("From: a@example.com\r\n" + bad + "\r\nTo: b@example.org\r\n\r\nb\r\n");

            assertThat(afterReceived(result)).as(bad).startsWith("From: a@example.com\r\nDate: ")
                    .endsWith(">\r\n\r\n" + bad + "\r\nTo: b@example.org\r\n\r\nb\r\n");
            assertThat(result.report().count("header-end-inserted")).as(bad).isEqualTo(1);
        }
    }

    @Test
    void whitespaceBeforeColonShouldBeRemoved() throws Exception {
        SanitizedMessage result = sanitize(CLEAN_HEADERS.replace("Subject: hi", "Subject \t: hi") + "\r\nb\r\n");

        assertThat(afterReceived(result)).isEqualTo(CLEAN_HEADERS + "\r\nb\r\n");
        assertThat(result.report().count("header-name-whitespace")).isEqualTo(1);
    }

    @Test
    void messageWithoutHeaderSectionShouldBecomeABodyWithDateAndMessageId() throws Exception {
        for (String input : new String[] {"\r\njust a body\r\n", "\njust a body\n", "just a body\r\n"}) {
            SanitizedMessage result = sanitize(input);

            assertWireClean(result.bytes().toByteArray());
            String out = afterReceived(result);
            assertThat(out).as(input).startsWith("Date: Tue, 24 Nov 2026 12:00:00 +0000\r\nMessage-ID: <").endsWith(">\r\n\r\njust a body\r\n");
            assertThat(parse(result.bytes().toByteArray()).getContent()).isEqualTo("just a body\r\n");
        }
        assertThat(sanitize("just a body\r\n").report().count("header-end-inserted")).isEqualTo(1);
        assertThatThrownBy(() -> sanitizer.sanitize(MessageBytes.of(new byte[0]), "http", "1"))
                .isInstanceOf(RejectedException.class).hasMessage("message is empty");
    }

    @Test
    void mailingListDigestStartingWithBodyTextShouldBeAcceptedAsABody() throws Exception {
        String digest = "Today's Topics:\r\n\r\n   1. Re: the meeting (Alice)\r\n   2. lunch (Bob)\r\n\r\n"
                + "----------------------------------------------------------------------\r\n\r\nMessage: 1\r\nFrom: alice@example.com\r\n";

        SanitizedMessage result = sanitize(digest);

        assertThat(afterReceived(result)).endsWith(">\r\n\r\n" + digest);
        assertThat(result.senderHeader()).isEmpty();
        assertThat(result.report().count("header-end-inserted")).isEqualTo(1);
    }

    @Test
    void whitespaceOnlyOrLeadingContinuationLinesShouldEndTheHeaderSection() {
        SanitizedMessage leading = sanitize(" folded: first\r\n\r\nb\r\n");
        assertThat(afterReceived(leading)).endsWith(">\r\n\r\n folded: first\r\n\r\nb\r\n");
        assertThat(leading.report().count("header-end-inserted")).isEqualTo(1);

        SanitizedMessage blank = sanitize("From: a@example.com\r\n \t\r\nSubject: x\r\n\r\nb\r\n");
        assertThat(afterReceived(blank)).startsWith("From: a@example.com\r\nDate: ").endsWith(">\r\n\r\nSubject: x\r\n\r\nb\r\n");
        assertThat(blank.report().count("header-end-whitespace-line")).isEqualTo(1);
    }

    @Test
    void leadingMboxFromLineShouldBeRemoved() {
        SanitizedMessage result = sanitize("From alice@example.com Tue Nov 24 12:00:00 2026\n" + CLEAN_HEADERS + "\r\nbody\r\n");

        assertThat(afterReceived(result)).isEqualTo(CLEAN_HEADERS + "\r\nbody\r\n");
        assertThat(result.report().toString()).isEqualTo("bare-lf=1 mbox-from-removed=1");
        assertThat(new String(result.senderHeader(), ISO_8859_1)).isEqualTo(CLEAN_HEADERS);
    }

    @Test
    void quotedPrintablePartWithOverLongLinesShouldBeDecodedAndReencoded() throws Exception {
        String input = CLEAN_HEADERS + "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "caf=E9 " + "q".repeat(1100) + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        assertThat(parse(result.bytes().toByteArray()).getInputStream().readAllBytes())
                .isEqualTo(("caf\u00e9 " + "q".repeat(1100) + "\r\n").getBytes(ISO_8859_1));
        assertThat(afterReceived(result)).containsOnlyOnce("Content-Transfer-Encoding: quoted-printable\r\n");
    }

    @Test
    void unfoldableLongLineInAPartHeaderShouldBeSplit() throws Exception {
        String input = CLEAN_HEADERS + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                + "Content-Disposition: attachment;filename=" + "f".repeat(1000) + "\r\n\r\nx\r\n--b--\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        MimeMultipart multipart = (MimeMultipart) parse(result.bytes().toByteArray()).getContent();
        assertThat(multipart.getBodyPart(0).getInputStream().readAllBytes()).isEqualTo("x".getBytes(ISO_8859_1));
        assertThat(result.report().count("header-split")).isEqualTo(1);
    }

    @Test
    void multipartWithoutBoundaryParameterAndOverLongLinesShouldBecomeText() throws Exception {
        String input = CLEAN_HEADERS + "Content-Type: multipart/mixed\r\n\r\n" + "m".repeat(1000) + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        MimeMessage parsed = parse(result.bytes().toByteArray());
        assertThat(parsed.getContentType()).isEqualTo("text/plain");
        assertThat(parsed.getInputStream().readAllBytes()).isEqualTo(("m".repeat(1000) + "\r\n").getBytes(ISO_8859_1));
        assertThat(result.report().count("broken-multipart-as-text")).isEqualTo(1);
    }

    @Test
    void overLongBase64LinesShouldBeRewrappedWithoutDecoding() throws Exception {
        byte[] data = new byte[3000];
        new java.util.Random(7).nextBytes(data);
        String oneLine = java.util.Base64.getEncoder().encodeToString(data);
        String input = CLEAN_HEADERS + "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + oneLine + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        String out = afterReceived(result);
        assertThat(out.substring(out.indexOf("\r\n\r\n") + 4).replace("\r\n", "")).isEqualTo(oneLine);
        assertThat(out).containsOnlyOnce("Content-Transfer-Encoding: base64");
        assertThat(parse(result.bytes().toByteArray()).getInputStream().readAllBytes()).isEqualTo(data);
        assertThat(result.report().count("base64-rewrapped")).isEqualTo(1);
    }

    @Test
    void partWithLongLinesThatDoesNotDecodeAsDeclaredShouldBeBase64FromItsRawBytes() throws Exception {
        String raw = "u".repeat(1200);
        String input = CLEAN_HEADERS + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n" + raw + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        MimeMessage parsed = parse(result.bytes().toByteArray());
        assertThat(parsed.getEncoding()).isEqualTo("base64");
        assertThat(parsed.getInputStream().readAllBytes()).isEqualTo((raw + "\r\n").getBytes(ISO_8859_1));
        assertThat(result.report().count("undecodable-part-reencoded")).isEqualTo(1);
    }

    @Test
    void overLongPreambleAndEpilogueLinesShouldBeSplitNeverIntoABoundaryLine() throws Exception {
        String preamble = "p".repeat(997) + "--b" + "q".repeat(500);
        String input = CLEAN_HEADERS + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + preamble + "\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nkept\r\n--b--\r\n" + "e".repeat(2500) + "\r\n";

        SanitizedMessage result = sanitize(input);

        assertWireClean(result.bytes().toByteArray());
        String out = afterReceived(result);
        assertThat(out.split("\r\n")).filteredOn(line -> line.startsWith("--b")).containsExactly("--b", "--b--");
        assertThat(out).contains("--b\r\nContent-Type: text/plain\r\n\r\nkept\r\n--b--\r\n");
        MimeMultipart multipart = (MimeMultipart) parse(result.bytes().toByteArray()).getContent();
        assertThat(multipart.getCount()).isEqualTo(1);
        assertThat(multipart.getBodyPart(0).getContent()).isEqualTo("kept");
        assertThat(result.report().count("preamble-rewrapped")).isEqualTo(2);
    }

    @Test
    void invalidArgumentsFromTheCallerShouldBeRefused() {
        byte[] message = (CLEAN_HEADERS + "\r\nb\r\n").getBytes(ISO_8859_1);
        assertThatThrownBy(() -> sanitizer.sanitize(MessageBytes.of(message), "ftp", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sanitizer.sanitize(MessageBytes.of(message), "http", "1\r\nX: y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageSanitizer.Origin("app ([127.0.0.1])\r\nX-Injected: y", "ESMTP"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageSanitizer.Origin("app ([127.0.0.1])", "ESMTP S")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageSanitizer("bad name", CLOCK, Spools.standard())).isInstanceOf(IllegalArgumentException.class);
    }
}
