package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.message.MailAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class EnvelopeReaderTest {

    private final EnvelopeReader reader = new EnvelopeReader();

    /** These messages have a plain header section, so the whole message reads as its header. */
    private Envelope read(Submission s) {
        return reader.read(s, s.raw().toByteArray());
    }

    private static Submission fromHeaders(String headers) {
        return new Submission("http", (headers + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8), null, null);
    }

    private static List<String> addresses(Envelope e) {
        return e.recipients().stream().map(MailAddress::address).toList();
    }

    @Test
    void readShouldPreferTheExplicitEnvelopeOverTheHeaders() {
        byte[] raw = "From: alice@example.com\r\nTo: bob@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        Envelope e = read(new Submission("jms", raw, "bounces@example.com", List.of("carol@example.net")));

        assertThat(e.sender()).isEqualTo("bounces@example.com");
        assertThat(addresses(e)).containsExactly("carol@example.net");
    }

    @Test
    void readShouldTakeRecipientsFromHeadersWhenOnlyTheSenderIsExplicit() {
        byte[] raw = "From: alice@example.com\r\nTo: bob@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        Envelope e = read(new Submission("http", raw, "bounces@example.com", List.of()));

        assertThat(e.sender()).isEqualTo("bounces@example.com");
        assertThat(addresses(e)).containsExactly("bob@example.org");
    }

    @Test
    void readShouldPreferSenderOverFrom() {
        Envelope e = read(fromHeaders("From: Alice <alice@example.com>\r\nSender: Mailer <mailer@example.com>\r\nTo: bob@example.org\r\n"));

        assertThat(e.sender()).isEqualTo("mailer@example.com");
    }

    @Test
    void readShouldUseTheFirstFromAddress() {
        Envelope e = read(fromHeaders("From: Alice <alice@example.com>, Ann <ann@example.com>\r\nTo: bob@example.org\r\n"));

        assertThat(e.sender()).isEqualTo("alice@example.com");
    }

    @Test
    void readShouldCollectToCcAndBccInOrder() {
        Envelope e = read(fromHeaders("From: alice@example.com\r\n"
                + "To: Bob <bob@example.org>, carol@example.net\r\n"
                + "Cc: \"Dave, Jr.\" <dave@example.com>\r\n"
                + "Bcc: eve@example.com\r\n"));

        assertThat(addresses(e)).containsExactly("bob@example.org", "carol@example.net", "dave@example.com", "eve@example.com");
    }

    @Test
    void readShouldCollectRepeatedRecipientHeaders() {
        Envelope e = read(fromHeaders("From: alice@example.com\r\nTo: bob@example.org\r\nTo: carol@example.net\r\n"));

        assertThat(addresses(e)).containsExactly("bob@example.org", "carol@example.net");
    }

    @Test
    void readShouldCollectGroupMembersAndIgnoreEmptyGroups() {
        Envelope e = read(fromHeaders("From: alice@example.com\r\n"
                + "To: Team: bob@example.org, Carol <carol@example.net>;\r\n"
                + "Cc: undisclosed-recipients:;\r\n"
                + "Bcc: dave@example.com\r\n"));

        assertThat(addresses(e)).containsExactly("bob@example.org", "carol@example.net", "dave@example.com");
    }

    @Test
    void readShouldUnfoldFoldedHeaders() {
        Envelope e = read(fromHeaders("From: alice@example.com\r\n"
                + "To: Bob <bob@example.org>,\r\n carol@example.net,\r\n\tDave\r\n <dave@example.com>\r\n"));

        assertThat(addresses(e)).containsExactly("bob@example.org", "carol@example.net", "dave@example.com");
    }

    @Test
    void readShouldDropDuplicatesIgnoringCase() {
        Envelope e = read(fromHeaders("From: alice@example.com\r\n"
                + "To: bob@example.org, Bob@Example.ORG\r\nCc: BOB@example.org, carol@example.net\r\nBcc: bob@EXAMPLE.org\r\n"));

        assertThat(addresses(e)).containsExactly("bob@example.org", "carol@example.net");
    }

    @Test
    void readShouldDropDuplicatesInAnExplicitEnvelope() {
        byte[] raw = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        Envelope e = read(new Submission("jms", raw, "alice@example.com",
                List.of("<bob@example.org>", "BOB@example.org", "carol@example.net")));

        assertThat(addresses(e)).containsExactly("bob@example.org", "carol@example.net");
    }

    @Test
    void readShouldTreatBracketsAndEmptySenderAsTheNullReversePath() {
        byte[] raw = "From: alice@example.com\r\nTo: bob@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        assertThat(read(new Submission("jms", raw, "<>", null)).sender()).isEmpty();
        assertThat(read(new Submission("jms", raw, "", null)).sender()).isEmpty();
    }

    @Test
    void readShouldNormaliseTheSender() {
        byte[] raw = "To: bob@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        assertThat(read(new Submission("jms", raw, "<Alice@Example.COM>", null)).sender()).isEqualTo("Alice@example.com");
    }

    @Test
    void readShouldRefuseAMessageWithoutRecipients() {
        assertThatThrownBy(() -> read(fromHeaders("From: alice@example.com\r\nSubject: nobody\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessage("no recipients: give them in the envelope or in To, Cc or Bcc");
        assertThatThrownBy(() -> read(fromHeaders("From: alice@example.com\r\nTo: undisclosed-recipients:;\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("no recipients");
    }

    @Test
    void readShouldRefuseAMessageWithoutSender() {
        assertThatThrownBy(() -> read(fromHeaders("To: bob@example.org\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessage("no sender: give one in the envelope or in a From or Sender header");
    }

    @Test
    void readShouldNameTheHeaderThatHoldsUnreadableAddresses() {
        assertThatThrownBy(() -> read(fromHeaders("From: alice@example.com\r\nCc: Bob <bob@example.org\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("Cc header");
        assertThatThrownBy(() -> read(fromHeaders("From: alice@example.com\r\nCc: bob@example.org, (unclosed comment\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("Cc header");
    }

    @Test
    void readShouldRefuseAHeaderAddressWithAnUnclosedAngleBracketNamingTheText() {
        assertThatThrownBy(() -> read(fromHeaders("From: alice@example.com\r\nCc: Bob <bob@example.org\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("'Bob <bob@example.org' is not an address");
    }

    @Test
    void readShouldNameTheInvalidRecipientAddress() {
        assertThatThrownBy(() -> read(fromHeaders("From: alice@example.com\r\nTo: bob@localhost\r\n")))
                .isInstanceOf(RejectedException.class)
                .hasMessage("'bob@localhost' is not an address: domain 'localhost' is not a fully qualified name (in the To header)");
    }

    @Test
    void readShouldNameTheInvalidExplicitRecipient() {
        byte[] raw = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> read(new Submission("jms", raw, "alice@example.com", List.of("bob"))))
                .isInstanceOf(RejectedException.class)
                .hasMessage("'bob' is not an address: expected local-part@domain");
    }

    @Test
    void byDomainShouldGroupRecipientsByALabelDomain() {
        Envelope e = read(fromHeaders("From: alice@example.com\r\n"
                + "To: a@bücher.example, b@example.org, c@xn--bcher-kva.example\r\n"));

        assertThat(e.byDomain()).containsOnlyKeys("xn--bcher-kva.example", "example.org");
        assertThat(e.byDomain().get("xn--bcher-kva.example")).extracting(MailAddress::localPart).containsExactly("a", "c");
    }
}
