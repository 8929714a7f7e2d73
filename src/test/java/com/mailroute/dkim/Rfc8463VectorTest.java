package com.mailroute.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import com.mailroute.testsupport.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8463 Appendix A: the published Ed25519 key, message and signature. Ed25519 signatures are deterministic,
 * so computing the published b= value from the published inputs checks key reading, public key derivation,
 * both canonicalizations, header selection (repeated and missing names) and the signing itself against another
 * implementation's output.
 */
class Rfc8463VectorTest {
    /** A.2: the private key (the RFC 8032 test 1 seed) and the public key published as p=. */
    static final String SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    static final String PUBLIC = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    /** A.3: the message and its Ed25519 signature. */
    static final String MESSAGE = String.join("\r\n",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "");
    static final String SIGNATURE_WITHOUT_B = String.join("\r\n",
            "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
            " subject : date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=");
    static final String B = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

    @TempDir
    Path dir;

    private KeyPair rfcKey() {
        byte[] pkcs8 = HexFormat.of().parseHex("302e020100300506032b657004220420" + SEED_HEX);
        return PemKeys.read(TestKeys.writePem(dir.resolve("brisbane.pem"), "PRIVATE KEY", pkcs8));
    }

    @Test
    void publicKeyDerivedFromThePrivateKeyShouldBeThePublishedOne() {
        assertThat(Base64.getEncoder().encodeToString(PemKeys.dnsPublicKey(rfcKey().getPublic()))).isEqualTo(PUBLIC);
    }

    @Test
    void bodyHashShouldBeThePublishedOne() {
        byte[] m = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        HeaderFields fields = HeaderFields.parse(m);
        assertThat(Base64.getEncoder().encodeToString(DkimSigner.bodyHash(m, fields.bodyStart())))
                .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    @Test
    void signatureShouldBeThePublishedOne() {
        byte[] m = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        List<String> h = List.of("from ", " to ", " subject ", " date ", " message-id ", " from ", " subject ", " date");
        byte[] data = DkimSigner.headerHashInput(m, HeaderFields.parse(m), h, SIGNATURE_WITHOUT_B);

        byte[] signature = DkimSigner.sign(DkimAlgorithm.ED25519_SHA256, rfcKey().getPrivate(), data);

        assertThat(Base64.getEncoder().encodeToString(signature)).isEqualTo(B);
    }

    @Test
    void signatureOfAnAlteredMessageShouldDiffer() {
        byte[] m = MESSAGE.replace("Is dinner ready?", "Is dinner ready!").getBytes(StandardCharsets.US_ASCII);
        List<String> h = List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date");
        byte[] data = DkimSigner.headerHashInput(m, HeaderFields.parse(m), h, SIGNATURE_WITHOUT_B);

        assertThat(Base64.getEncoder().encodeToString(DkimSigner.sign(DkimAlgorithm.ED25519_SHA256, rfcKey().getPrivate(), data)))
                .isNotEqualTo(B);
    }
}
