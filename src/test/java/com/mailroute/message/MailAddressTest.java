package com.mailroute.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailAddressTest {

    @Test
    void parseShouldSplitADotAtomAddress() {
        MailAddress a = MailAddress.parse("first.last+tag@mail.example.com");

        assertThat(a.localPart()).isEqualTo("first.last+tag");
        assertThat(a.domain()).isEqualTo("mail.example.com");
        assertThat(a.asciiDomain()).isEqualTo("mail.example.com");
        assertThat(a.needsSmtpUtf8()).isFalse();
        assertThat(a.address()).isEqualTo("first.last+tag@mail.example.com");
    }

    @Test
    void parseShouldAcceptEveryAtextCharacter() {
        MailAddress a = MailAddress.parse("!#$%&'*+/=?^_`{|}~-@example.com");

        assertThat(a.localPart()).isEqualTo("!#$%&'*+/=?^_`{|}~-");
    }

    @Test
    void parseShouldStripAngleBracketsAndBlanks() {
        MailAddress a = MailAddress.parse("  <bob@example.org> ");

        assertThat(a.address()).isEqualTo("bob@example.org");
    }

    @Test
    void parseShouldLowerCaseTheDomainButKeepTheLocalPart() {
        MailAddress a = MailAddress.parse("Bob.Smith@Example.ORG");

        assertThat(a.localPart()).isEqualTo("Bob.Smith");
        assertThat(a.domain()).isEqualTo("example.org");
        assertThat(a.asciiDomain()).isEqualTo("example.org");
    }

    @Test
    void parseShouldDropATrailingDotOfTheDomain() {
        assertThat(MailAddress.parse("bob@example.org.").asciiDomain()).isEqualTo("example.org");
    }

    @Test
    void parseShouldKeepAQuotedLocalPartWithItsQuotes() {
        MailAddress a = MailAddress.parse("\"john doe\\\"x\"@example.com");

        assertThat(a.localPart()).isEqualTo("\"john doe\\\"x\"");
        assertThat(a.domain()).isEqualTo("example.com");
    }

    @Test
    void parseShouldAcceptAQuotedLocalPartContainingAnAtSign() {
        MailAddress a = MailAddress.parse("\"a@b\"@example.com");

        assertThat(a.localPart()).isEqualTo("\"a@b\"");
        assertThat(a.domain()).isEqualTo("example.com");
    }

    @Test
    void parseShouldAcceptAUtf8LocalPartThatNeedsSmtpUtf8() {
        MailAddress a = MailAddress.parse("jörg.müller@example.de");

        assertThat(a.localPart()).isEqualTo("jörg.müller");
        assertThat(a.needsSmtpUtf8()).isTrue();
        assertThat(a.asciiAddress()).isEqualTo("jörg.müller@example.de");
    }

    @Test
    void parseShouldConvertAnIdnDomainToItsALabel() {
        MailAddress a = MailAddress.parse("info@Bücher.example");

        assertThat(a.domain()).isEqualTo("bücher.example");
        assertThat(a.asciiDomain()).isEqualTo("xn--bcher-kva.example");
        assertThat(a.asciiAddress()).isEqualTo("info@xn--bcher-kva.example");
        assertThat(a.needsSmtpUtf8()).isFalse();
    }

    @Test
    void parseShouldGiveTheULabelForADomainWrittenAsALabel() {
        MailAddress a = MailAddress.parse("info@xn--bcher-kva.example");

        assertThat(a.domain()).isEqualTo("bücher.example");
        assertThat(a.asciiDomain()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void parseShouldAcceptAnIpv4AddressLiteral() {
        MailAddress a = MailAddress.parse("postmaster@[127.0.0.1]");

        assertThat(a.domain()).isEqualTo("[127.0.0.1]");
        assertThat(a.asciiDomain()).isEqualTo("[127.0.0.1]");
    }

    @Test
    void parseShouldAcceptAnIpv6AddressLiteral() {
        MailAddress a = MailAddress.parse("postmaster@[IPv6:::1]");

        assertThat(a.asciiDomain()).isEqualTo("[IPv6:::1]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bob.example.com             | 'bob.example.com' is not an address: expected local-part@domain",
            "@example.com                | '@example.com' is not an address: expected local-part@domain",
            "bob@                        | 'bob@' is not an address: expected local-part@domain",
            "bob@@example.com            | 'bob@@example.com' is not an address: invalid local part 'bob@'",
            "a..b@example.com            | 'a..b@example.com' is not an address: invalid local part 'a..b'",
            ".bob@example.com            | '.bob@example.com' is not an address: invalid local part '.bob'",
            "bob smith@example.com       | 'bob smith@example.com' is not an address: invalid local part 'bob smith'",
            "bob@localhost               | 'bob@localhost' is not an address: domain 'localhost' is not a fully qualified name",
            "bob@exa_mple.com            | 'bob@exa_mple.com' is not an address: invalid domain 'exa_mple.com'",
            "bob@-example.com            | 'bob@-example.com' is not an address: invalid domain '-example.com'",
            "bob@example..com            | 'bob@example..com' is not an address: invalid domain 'example..com'",
    })
    void parseShouldRejectMalformedAddressesNamingTheProblem(String text, String message) {
        assertThatThrownBy(() -> MailAddress.parse(text))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((RejectedException) e).httpStatus()).isEqualTo(400));
    }

    @Test
    void parseShouldRejectAnEmptyOrMissingAddress() {
        assertThatThrownBy(() -> MailAddress.parse("<>")).isInstanceOf(RejectedException.class).hasMessage("address is empty");
        assertThatThrownBy(() -> MailAddress.parse("   ")).isInstanceOf(RejectedException.class).hasMessage("address is empty");
        assertThatThrownBy(() -> MailAddress.parse(null)).isInstanceOf(RejectedException.class).hasMessage("address is missing");
    }

    @Test
    void parseShouldRejectADomainLabelLongerThan63Octets() {
        String label = "a".repeat(64);

        assertThatThrownBy(() -> MailAddress.parse("bob@" + label + ".com"))
                .isInstanceOf(RejectedException.class)
                .hasMessageStartingWith("'bob@" + label + ".com' is not an address: invalid domain '" + label + ".com'");
    }

    @Test
    void parseShouldAcceptADomainLabelOf63Octets() {
        String label = "a".repeat(63);

        assertThat(MailAddress.parse("bob@" + label + ".com").asciiDomain()).isEqualTo(label + ".com");
    }

    @Test
    void parseShouldRejectControlCharactersShowingThemEscaped() {
        assertThatThrownBy(() -> MailAddress.parse("bob\r\nRCPT TO:<evil@example.net>@example.com"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("address 'bob\\x0d\\x0aRCPT TO:<evil@example.net>@example.com' contains control characters");
        assertThatThrownBy(() -> MailAddress.parse("bo\u0000b@example.com"))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("\\x00").hasMessageEndingWith("contains control characters");
        assertThatThrownBy(() -> MailAddress.parse("bob\u007F@example.com"))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("\\x7f");
    }

    @Test
    void parseShouldRejectALocalPartLongerThan64Octets() {
        String local = "a".repeat(65);

        assertThatThrownBy(() -> MailAddress.parse(local + "@example.com"))
                .isInstanceOf(RejectedException.class)
                .hasMessage("'" + local + "@example.com' is not an address: local part longer than 64 octets");
    }

    @Test
    void parseShouldCountOctetsNotCharactersInTheLocalPart() {
        String local = "ö".repeat(33); // 33 characters, 66 UTF-8 octets

        assertThatThrownBy(() -> MailAddress.parse(local + "@example.com"))
                .isInstanceOf(RejectedException.class)
                .hasMessageEndingWith("local part longer than 64 octets");
        assertThat(MailAddress.parse("ö".repeat(32) + "@example.com").localPart()).hasSize(32);
    }

    @Test
    void parseShouldAcceptALocalPartOfExactly64Octets() {
        assertThat(MailAddress.parse("a".repeat(64) + "@example.com").localPart()).hasSize(64);
    }
}
