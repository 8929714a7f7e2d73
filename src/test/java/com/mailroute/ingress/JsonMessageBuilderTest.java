package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonMessageBuilderTest {

    private final JsonMessageBuilder builder = new JsonMessageBuilder("relay.example.com");

    /** JSON with single quotes for readability. */
    private Submission build(String json) {
        return builder.build(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static MimeMessage parse(Submission s) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(s.raw().toByteArray()));
    }

    private static byte[] headerSection(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return Arrays.copyOf(raw, end < 0 ? raw.length : end);
    }

    private static void assertAllSevenBit(byte[] bytes) {
        for (byte b : bytes) {
            assertThat(b & 0xFF).as("every byte is 7-bit").isLessThan(0x80);
        }
    }

    @Test
    void buildShouldMakeAPlainTextMessageAngusCanRead() throws Exception {
        Submission s = build("{'from':'alice@example.com','to':'bob@example.org','subject':'Hello','text':'Hi Bob'}");

        MimeMessage m = parse(s);
        assertThat(s.wayIn()).isEqualTo("http");
        assertThat(s.sender()).isEqualTo("alice@example.com");
        assertThat(s.recipients()).containsExactly("bob@example.org");
        assertThat(m.getFrom()).extracting(a -> ((InternetAddress) a).getAddress()).containsExactly("alice@example.com");
        assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("bob@example.org");
        assertThat(m.getSubject()).isEqualTo("Hello");
        assertThat(m.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(m.getContent()).isEqualTo("Hi Bob");
        assertThat(m.getSentDate()).isNotNull();
        assertThat(m.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(m.getMessageID()).startsWith("<").endsWith("@relay.example.com>");
    }

    @Test
    void buildShouldMakeAnHtmlOnlyMessage() throws Exception {
        MimeMessage m = parse(build("{'from':'alice@example.com','to':'bob@example.org','html':'<p>Hi</p>'}"));

        assertThat(m.getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        assertThat(m.getContent()).isEqualTo("<p>Hi</p>");
        assertThat(m.getSubject()).isEmpty();
    }

    @Test
    void buildShouldMakeMultipartAlternativeWhenTextAndHtmlAreGiven() throws Exception {
        MimeMessage m = parse(build("{'from':'alice@example.com','to':'bob@example.org','text':'Hi','html':'<p>Hi</p>'}"));

        assertThat(m.getContentType()).startsWith("multipart/alternative");
        MimeMultipart mp = (MimeMultipart) m.getContent();
        assertThat(mp.getCount()).isEqualTo(2);
        assertThat(mp.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(mp.getBodyPart(0).getContent()).isEqualTo("Hi");
        assertThat(mp.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(mp.getBodyPart(1).getContent()).isEqualTo("<p>Hi</p>");
    }

    @Test
    void buildShouldPutBccOnlyInTheEnvelope() throws Exception {
        Submission s = build("{'from':'alice@example.com','to':['bob@example.org'],'cc':'carol@example.net',"
                + "'bcc':['dave@example.com','eve@example.com'],'text':'x'}");

        assertThat(s.recipients()).containsExactly("bob@example.org", "carol@example.net", "dave@example.com", "eve@example.com");
        MimeMessage m = parse(s);
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getRecipients(Message.RecipientType.CC)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("carol@example.net");
        assertThat(new String(s.raw().toByteArray(), StandardCharsets.UTF_8)).doesNotContain("dave@example.com", "eve@example.com");
    }

    @Test
    void buildShouldAcceptBccAsTheOnlyRecipients() throws Exception {
        Submission s = build("{'from':'alice@example.com','bcc':'dave@example.com','text':'x'}");

        assertThat(s.recipients()).containsExactly("dave@example.com");
        assertThat(parse(s).getRecipients(Message.RecipientType.TO)).isNull();
    }

    @Test
    void buildShouldKeepDisplayNamesInHeadersAndBareAddressesInTheEnvelope() throws Exception {
        Submission s = build("{'from':'Alice Example <alice@example.com>','to':['\\'Bob, Jr.\\' <bob@example.org>'],'text':'x'}"
                .replace("\\'", "\\\""));

        assertThat(s.sender()).isEqualTo("alice@example.com");
        assertThat(s.recipients()).containsExactly("bob@example.org");
        MimeMessage m = parse(s);
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        InternetAddress to = (InternetAddress) m.getRecipients(Message.RecipientType.TO)[0];
        assertThat(from.getPersonal()).isEqualTo("Alice Example");
        assertThat(to.getPersonal()).isEqualTo("Bob, Jr.");
        assertThat(to.getAddress()).isEqualTo("bob@example.org");
    }

    @Test
    void buildShouldEncodeAUtf8SubjectSoTheHeaderSectionIsSevenBit() throws Exception {
        Submission s = build("{'from':'alice@example.com','to':'bob@example.org','subject':'Grüße aus Köln ☕','text':'Grüße'}");

        assertAllSevenBit(headerSection(s.raw().toByteArray()));
        MimeMessage m = parse(s);
        assertThat(m.getSubject()).isEqualTo("Grüße aus Köln ☕");
        assertThat(m.getContent()).isEqualTo("Grüße");
    }

    @Test
    void buildShouldEncodeAUtf8DisplayNameSoTheHeaderSectionIsSevenBit() throws Exception {
        Submission s = build("{'from':'Jörg Müller <joerg@example.com>','to':'Zoë <zoe@example.org>','text':'x'}");

        assertAllSevenBit(headerSection(s.raw().toByteArray()));
        assertThat(((InternetAddress) parse(s).getFrom()[0]).getPersonal()).isEqualTo("Jörg Müller");
    }

    @Test
    void buildShouldAddCustomHeaders() throws Exception {
        MimeMessage m = parse(build("{'from':'alice@example.com','to':'bob@example.org','text':'x',"
                + "'headers':{'X-Campaign':'spring-2026','Reply-To':'support@example.com'}}"));

        assertThat(m.getHeader("X-Campaign", null)).isEqualTo("spring-2026");
        assertThat(m.getHeader("Reply-To", null)).isEqualTo("support@example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'from':'alice@example.com','to':'bob@example.org','subject':'Hi\\r\\nBcc: evil@example.net','text':'x'}",
            "{'from':'alice@example.com','to':'bob@example.org','subject':'Hi\\nX-Evil: 1','text':'x'}",
            "{'from':'alice@example.com','to':'bob@example.org','subject':'Hi\\rX-Evil: 1','text':'x'}"})
    void buildShouldRefuseALineBreakInTheSubject(String json) {
        assertThatThrownBy(() -> build(json))
                .isInstanceOf(RejectedException.class)
                .hasMessage("subject contains a line break (CR or LF): header injection is refused");
    }

    @Test
    void buildShouldRefuseALineBreakInAHeaderValue() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','text':'x',"
                + "'headers':{'X-Tag':'a\\r\\nBcc: evil@example.net'}}"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("header 'X-Tag' contains a line break (CR or LF): header injection is refused");
    }

    @Test
    void buildShouldRefuseALineBreakInAnAddress() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com\\r\\nBcc: evil@example.net','to':'bob@example.org','text':'x'}"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("from contains a line break (CR or LF): header injection is refused");
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','bcc':['x@example.com\\nRCPT TO:<e@example.net>'],'text':'x'}"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("to/cc/bcc contains a line break (CR or LF): header injection is refused");
    }

    @Test
    void buildShouldRefuseAnUnknownField() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','body':'x'}"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("unknown field 'body': expected from, to, cc, bcc, subject, text, html, headers");
    }

    @Test
    void buildShouldRefuseFieldsThatAreNotStrings() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','subject':42,'text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'subject' must be a string");
        assertThatThrownBy(() -> build("{'from':['alice@example.com'],'to':'bob@example.org','text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'from' must be a string");
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':{'a':'bob@example.org'},'text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'to' must be a string or an array of strings");
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','cc':[1],'text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'cc' must be a string or an array of strings");
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','text':true}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'text' must be a string");
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','text':'x','headers':['X-A: 1']}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'headers' must be an object of header name to value");
    }

    @Test
    void buildShouldRefuseAHeaderValueThatIsNotAString() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','text':'x','headers':{'X-Tags':['a','b']}}"))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("X-Tags");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X Tag", "X-Tag:", "Ümlaut", ""})
    void buildShouldRefuseAnInvalidHeaderName(String name) {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','text':'x','headers':{'" + name + "':'v'}}"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("header name '" + name + "' is not a valid field name");
    }

    @Test
    void buildShouldRefuseMissingFromAndMissingRecipients() {
        assertThatThrownBy(() -> build("{'to':'bob@example.org','text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'from' is required");
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':[],'text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("no recipients: give at least one address in to, cc or bcc");
    }

    @Test
    void buildShouldRefuseSeveralAddressesInFrom() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com, ann@example.com','to':'bob@example.org','text':'x'}"))
                .isInstanceOf(RejectedException.class).hasMessage("field 'from' must hold exactly one address");
    }

    @Test
    void buildShouldRefuseAnInvalidRecipientNamingIt() {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@localhost','text':'x'}"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("'bob@localhost' is not an address: domain 'localhost' is not a fully qualified name");
    }

    @Test
    void buildShouldRefuseInputThatIsNotAJsonObject() {
        assertThatThrownBy(() -> build("['alice@example.com']"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("request body must be a JSON object with from, to, subject, text or html");
        assertThatThrownBy(() -> build("{'from':"))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("request body is not valid JSON: ");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Bcc", "From", "date", "Content-Type"})
    void buildShouldRefuseHeadersThatTheFieldsOrMailRouteControl(String name) {
        assertThatThrownBy(() -> build("{'from':'alice@example.com','to':'bob@example.org','text':'x','headers':{'" + name + "':'v'}}"))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("header '" + name + "' cannot be set through 'headers'");
    }
}
