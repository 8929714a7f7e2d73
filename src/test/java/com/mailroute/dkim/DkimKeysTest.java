package com.mailroute.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.mailroute.settings.Settings;
import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mailroute.dkim.<domain>.* read and checked: a bad configuration stops startup with one line naming the setting. */
class DkimKeysTest {
    @TempDir
    Path dir;

    private static DkimKeys keys(String... kv) {
        Map<String, String> s = new HashMap<>();
        s.put("mailroute.helo-name", "relay.test");
        for (int i = 0; i < kv.length; i += 2) {
            s.put(kv[i], kv[i + 1]);
        }
        return DkimKeys.fromSettings(Settings.of(s));
    }

    @Test
    void rsaAndEd25519KeysShouldLoadWithTheirDnsRecords() {
        TestKeys.Key rsa = TestKeys.rsa(dir, "rsa", 2048);
        TestKeys.Key ed = TestKeys.ed25519(dir, "ed");

        DkimKeys keys = keys("mailroute.dkim.example.com.selector", "s1", "mailroute.dkim.example.com.key", rsa.pem().toString(),
                "mailroute.dkim.Example.ORG.selector", "ed.2026", "mailroute.dkim.Example.ORG.key", ed.pem().toString());

        SigningKey r = keys.forFromDomain("example.com").orElseThrow();
        assertThat(r.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(r.bits()).isEqualTo(2048);
        assertThat(r.dnsName()).isEqualTo("s1._domainkey.example.com");
        assertThat(r.txtRecord()).isEqualTo(rsa.txt());
        SigningKey e = keys.forFromDomain("example.org").orElseThrow();
        assertThat(e.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(e.dnsName()).isEqualTo("ed.2026._domainkey.example.org");
        assertThat(e.txtRecord()).isEqualTo(ed.txt());
    }

    @Test
    void pkcs1RsaKeyAsOlderOpensslWritesItShouldLoad() throws Exception {
        TestKeys.Key rsa = TestKeys.rsa(dir, "rsa", 1024);
        byte[] pkcs8 = rsa.pair().getPrivate().getEncoded();
        // PKCS#8 PrivateKeyInfo ends with OCTET STRING { RSAPrivateKey }: the RSAPrivateKey is the PKCS#1 form.
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        assertThat(pkcs1[0]).isEqualTo((byte) 0x30);
        Path pem = TestKeys.writePem(dir.resolve("pkcs1.pem"), "RSA PRIVATE KEY", pkcs1);

        KeyPair read = PemKeys.read(pem);

        assertThat(read.getPublic()).isEqualTo(rsa.pair().getPublic());
        assertThat(Base64.getEncoder().encodeToString(PemKeys.dnsPublicKey(read.getPublic())))
                .isEqualTo(rsa.txt().substring(rsa.txt().indexOf("p=") + 2));
    }

    @Test
    void subdomainsShouldBeCoveredOnlyWhenConfigured() {
        String pem = TestKeys.ed25519(dir, "ed").pem().toString();
        DkimKeys keys = keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", pem,
                "mailroute.dkim.example.com.subdomains", "true",
                "mailroute.dkim.example.org.selector", "s", "mailroute.dkim.example.org.key", pem);

        assertThat(keys.forFromDomain("news.mail.example.com")).get().extracting(SigningKey::domain).isEqualTo("example.com");
        assertThat(keys.forFromDomain("news.example.org")).isEmpty();
        assertThat(keys.forFromDomain("example.org")).isPresent();
        assertThat(keys.forFromDomain("notexample.com")).isEmpty();
        assertThat(keys.forFromDomain("example.net")).isEmpty();
    }

    @Test
    void extraHeadersShouldBeKept() {
        String pem = TestKeys.ed25519(dir, "ed").pem().toString();
        DkimKeys keys = keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", pem,
                "mailroute.dkim.example.com.headers", "Feedback-ID, X-Order");

        assertThat(keys.forFromDomain("example.com").orElseThrow().extraHeaders()).containsExactly("Feedback-ID", "X-Order");
    }

    @Test
    void selectorWithoutKeyShouldStopStartupNamingTheKeySetting() {
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s1"))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessage("invalid setting mailroute.dkim.example.com.key=: missing: mailroute.dkim.example.com.selector is set, "
                        + "so a PEM private key file is needed");
    }

    @Test
    void keyWithoutSelectorShouldStopStartup() {
        String pem = TestKeys.ed25519(dir, "ed").pem().toString();
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.key", pem))
                .hasMessageStartingWith("invalid setting mailroute.dkim.example.com.selector=: missing: mailroute.dkim.example.com.key is set");
    }

    @Test
    void unreadableKeyFileShouldStopStartup() {
        String missing = dir.resolve("nope.pem").toString();
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", missing))
                .hasMessageStartingWith("invalid setting mailroute.dkim.example.com.key=" + missing + ": cannot read the key file: ")
                .hasMessageContaining("NoSuchFileException");
    }

    @Test
    void fileWithoutPrivateKeyShouldStopStartup() throws Exception {
        Path notPem = Files.writeString(dir.resolve("x.pem"), "hello\n");
        TestKeys.Key ed = TestKeys.ed25519(dir, "ed");
        Path publicOnly = TestKeys.writePem(dir.resolve("pub.pem"), "PUBLIC KEY", ed.pair().getPublic().getEncoded());
        Path encrypted = TestKeys.writePem(dir.resolve("enc.pem"), "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
        Path ec = TestKeys.writePem(dir.resolve("ec.pem"), "EC PRIVATE KEY", new byte[] {1, 2, 3});
        Path garbage = TestKeys.writePem(dir.resolve("garbage.pem"), "PRIVATE KEY", new byte[] {0x30, 0x03, 1, 2, 3});

        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", notPem.toString()))
                .hasMessageEndingWith(": no PEM private key in the file (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", publicOnly.toString()))
                .hasMessageContaining("no PEM private key in the file");
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", encrypted.toString()))
                .hasMessageContaining("the key is encrypted; MailRoute needs it unencrypted");
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", ec.toString()))
                .hasMessageContaining("an ECDSA key: DKIM signs with RSA or Ed25519 only");
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", garbage.toString()))
                .hasMessageContaining("neither RSA nor Ed25519");
    }

    @Test
    void rsaKeyUnder1024BitsShouldStopStartup() {
        String pem = TestKeys.rsa(dir, "short", 768).pem().toString();
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", pem))
                .isInstanceOf(Settings.SettingsException.class)
                .hasMessage("invalid setting mailroute.dkim.example.com.key=" + pem + ": the RSA key has 768 bits; DKIM needs at least 1024 "
                        + "(receivers ignore shorter keys), 2048 is recommended");
    }

    @Test
    void badSelectorOrHeaderShouldStopStartup() {
        String pem = TestKeys.ed25519(dir, "ed").pem().toString();
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "bad selector", "mailroute.dkim.example.com.key", pem))
                .hasMessageContaining("mailroute.dkim.example.com.selector=bad selector: not a valid selector");
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selector", "s", "mailroute.dkim.example.com.key", pem,
                "mailroute.dkim.example.com.headers", "X-Ok,DKIM-Signature"))
                .hasMessageContaining("'DKIM-Signature' is not a header field name that can be signed");
    }

    @Test
    void unknownDkimSettingAndNonBooleanSubdomainsShouldBeRefusedBySettings() {
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.selectr", "s"))
                .hasMessageContaining("mailroute.dkim.example.com.selectr=s: unknown setting: expected mailroute.dkim.<domain>.selector");
        assertThatThrownBy(() -> keys("mailroute.dkim.example.com.subdomains", "yes"))
                .hasMessageContaining("mailroute.dkim.example.com.subdomains=yes: must be true or false");
    }
}
