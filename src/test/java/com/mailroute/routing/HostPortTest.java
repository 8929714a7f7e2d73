package com.mailroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parseShouldReadNameAndPort() {
        assertThat(HostPort.parse("relay.example.test:2525", 25)).isEqualTo(new HostPort("relay.example.test", 2525));
    }

    @Test
    void parseShouldUseTheDefaultPortWhenNoneIsGiven() {
        assertThat(HostPort.parse("relay.example.test", 25)).isEqualTo(new HostPort("relay.example.test", 25));
        assertThat(HostPort.parse("127.0.0.2", 25)).isEqualTo(new HostPort("127.0.0.2", 25));
    }

    @Test
    void parseShouldReadBracketedIpv6WithAndWithoutPort() {
        assertThat(HostPort.parse("[::1]:2525", 25)).isEqualTo(new HostPort("::1", 2525));
        assertThat(HostPort.parse("[::1]", 25)).isEqualTo(new HostPort("::1", 25));
        assertThat(HostPort.parse("::1", 25)).isEqualTo(new HostPort("::1", 25));
    }

    @Test
    void parseShouldRejectBadPorts() {
        assertThatThrownBy(() -> HostPort.parse("relay.test:0", 25)).hasMessageContaining("relay.test:0");
        assertThatThrownBy(() -> HostPort.parse("relay.test:70000", 25)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> HostPort.parse("[::1]x", 25)).hasMessageContaining("[::1]x");
    }

    @Test
    void ipLiteralShouldRecogniseOnlyAddresses() {
        assertThat(HostPort.ipLiteral("127.0.0.7")).hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("127.0.0.7"));
        assertThat(HostPort.ipLiteral("[::1]")).hasValueSatisfying(a -> assertThat(a.isLoopbackAddress()).isTrue());
        assertThat(HostPort.ipLiteral("mx.example.test")).isEmpty();
        assertThat(HostPort.ipLiteral("127.0.0")).isEmpty();
    }

    @Test
    void toStringShouldBracketIpv6() {
        assertThat(new HostPort("::1", 53)).hasToString("[::1]:53");
        assertThat(new HostPort("127.0.0.1", 53)).hasToString("127.0.0.1:53");
    }
}
