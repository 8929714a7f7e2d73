package com.mailroute.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mailroute.settings.Settings;
import org.junit.jupiter.api.Test;

/** The listener's settings: never an open relay by configuration, passwords only as hashes, one clear line per mistake. */
class SubmissionConfigTest {
    static final String HASH = SubmissionServerTest.HASH;
    static final String CERT = "src/test/resources/submission/cert.pem";
    static final String KEY = "src/test/resources/submission/key.pem";

    static Settings settings(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("mailroute.helo-name", "relay.test");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Settings.of(m);
    }

    static SubmissionConfig config(String... kv) {
        return SubmissionConfig.from(settings(kv));
    }

    @Test
    void defaultsShouldListenOnLoopback2525TrustingOnlyLoopback() {
        SubmissionConfig c = SubmissionConfig.from(settings());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(2525);
        assertThat(c.maxMessageSize()).isEqualTo(35L * 1024 * 1024);
        assertThat(c.users().isEmpty()).isTrue();
        assertThat(c.tls()).isFalse();
        assertThat(c.policy().networks()).isEmpty();
    }

    @Test
    void aNonLoopbackAddressWithNobodyAllowedShouldRefuseToStart() {
        assertThatThrownBy(() -> config("mailroute.submission.host", "0.0.0.0"))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessage("invalid setting mailroute.submission.users=: required when the SMTP listener binds 0.0.0.0"
                        + " (mailroute.submission.host), which is not a loopback address: configure users (or trusted"
                        + " mailroute.submission.networks); nobody else may relay");
        assertThat(SubmissionConfig.from(settings("mailroute.submission.host", "0.0.0.0", "mailroute.submission.networks", "10.1.0.0/16"))
                .policy().networks()).hasToString("[10.1.0.0/16]");
        assertThat(SubmissionConfig.from(settings("mailroute.submission.host", "0.0.0.0", "mailroute.submission.users", "app:" + HASH,
                "mailroute.submission.tls.cert", CERT, "mailroute.submission.tls.key", KEY)).users().names()).containsExactly("app");
        // off: nothing to check
        assertThat(SubmissionConfig.from(settings("mailroute.submission.host", "0.0.0.0", "mailroute.submission.port", "0")).port()).isZero();
    }

    @Test
    void usersWithoutTlsShouldRefuseToStart() {
        assertThatThrownBy(() -> config("mailroute.submission.users", "app:" + HASH))
                .hasMessageStartingWith("invalid setting mailroute.submission.tls.cert=: required with mailroute.submission.users:"
                        + " AUTH is offered only after STARTTLS");
        assertThatThrownBy(() -> config("mailroute.submission.tls.cert", CERT))
                .hasMessageStartingWith("invalid setting mailroute.submission.tls.key=: STARTTLS needs both");
    }

    @Test
    void aPasswordWhereItsHashBelongsShouldBeRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> config("mailroute.submission.users", "app:hunter2", "mailroute.submission.tls.cert", CERT,
                "mailroute.submission.tls.key", KEY))
                .hasMessage("invalid setting mailroute.submission.users=(not shown): the password of user 'app' is not a SHA-crypt hash"
                        + " ($5$... or $6$...); make one with: openssl passwd -6")
                .message().doesNotContain("hunter2");
    }

    @Test
    void everyAddressAsATrustedNetworkShouldBeRefused() {
        for (String open : List.of("0.0.0.0/0", "::/0")) {
            assertThatThrownBy(() -> config("mailroute.submission.networks", "10.0.0.0/8," + open))
                    .hasMessageEndingWith("'" + open + "' is every address: that would make the listener an open relay");
        }
        assertThatThrownBy(() -> config("mailroute.submission.networks", "office.example.com"))
                .hasMessageEndingWith("'office.example.com' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
        assertThatThrownBy(() -> config("mailroute.submission.networks", "10.0.0.0/33"))
                .hasMessageEndingWith("'10.0.0.0/33': the prefix must be 0 to 32");
    }

    @Test
    void trustShouldCoverLoopbackAndTheConfiguredNetworksOnly() throws Exception {
        ClientPolicy p = ClientPolicy.of(List.of(Network.parse("192.0.2.0/25"), Network.parse("2001:db8:1::/48"), Network.parse("198.51.100.7")));
        assertThat(p.trusted(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(p.trusted(InetAddress.getByName("127.9.9.9"))).isTrue();
        assertThat(p.trusted(InetAddress.getByName("::1"))).isTrue();
        assertThat(p.trusted(InetAddress.getByName("192.0.2.127"))).isTrue();
        assertThat(p.trusted(InetAddress.getByName("192.0.2.128"))).isFalse();
        assertThat(p.trusted(InetAddress.getByName("2001:db8:1:ffff::5"))).isTrue();
        assertThat(p.trusted(InetAddress.getByName("2001:db8:2::5"))).isFalse();
        assertThat(p.trusted(InetAddress.getByName("198.51.100.7"))).isTrue();
        assertThat(p.trusted(InetAddress.getByName("198.51.100.8"))).isFalse();
        assertThat(p.trusted(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(new ClientPolicy(false, List.of()).trusted(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void passwordsShouldBeCheckedAgainstSha512AndSha256CryptHashes() {
        // made with: openssl passwd -6 -salt testsalt 's3cret pass'   and   openssl passwd -5 -salt abc 'pw'
        Users users = Users.parse(" app:" + HASH + " , scanner:{SHA256-CRYPT}$5$abc$/LKlXd6vuvdFX3oWbf2vGk3DgflzzsvOtMZsiOxqqY5");
        assertThat(users.verify("app", "s3cret pass")).isTrue();
        assertThat(users.verify("app", "s3cret pass ")).isFalse();
        assertThat(users.verify("APP", "s3cret pass")).isFalse();
        assertThat(users.verify("scanner", "pw")).isTrue();
        assertThat(users.verify("nobody", "pw")).isFalse();
        assertThatThrownBy(() -> Users.parse("app:" + HASH + ",app:" + HASH)).hasMessage("user 'app' is listed twice");
    }

    @Test
    void aKeyThatDoesNotMatchItsFileShouldStopStartupNamingTheFile() {
        assertThatThrownBy(() -> ServerTls.load(java.nio.file.Path.of(CERT), java.nio.file.Path.of("src/test/resources/submission/README.txt")))
                .isInstanceOf(Settings.SettingsException.class).hasMessageContaining("mailroute.submission.tls.key=src/test/resources/submission/README.txt")
                .hasMessageContaining("cannot use this key");
        assertThatThrownBy(() -> ServerTls.load(java.nio.file.Path.of("/nonexistent/cert.pem"), java.nio.file.Path.of(KEY)))
                .hasMessage("invalid setting mailroute.submission.tls.cert=/nonexistent/cert.pem: cannot read this file");
    }
}
