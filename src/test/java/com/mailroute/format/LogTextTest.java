package com.mailroute.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void aMultiLineReplyShouldBeJoinedWithSlashesAndOtherControlsBecomeSpaces() {
        assertThat(LogText.oneLine("550-5.1.1 first\r\n550-5.1.1 second\n550 5.1.1 third\r\n"))
                .isEqualTo("550-5.1.1 first / 550-5.1.1 second / 550 5.1.1 third");
        assertThat(LogText.oneLine("a\tb\u0000c\rd")).isEqualTo("a b c / d");
    }

    @Test
    void messageIdsShouldBeUniqueAndCarryTheDomain() {
        String a = MessageIds.create("relay.test");
        assertThat(a).matches("<[0-9a-f]{32}@relay\\.test>").isNotEqualTo(MessageIds.create("relay.test"));
    }
}
