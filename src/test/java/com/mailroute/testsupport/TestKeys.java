package com.mailroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/** DKIM key pairs made for a test run: the private key as a PEM file, the public key as the TXT record to publish. */
public final class TestKeys {

    /** A PEM file and its DNS record text. */
    public record Key(Path pem, String txt, KeyPair pair) {
    }

    private TestKeys() {
    }

    public static Key rsa(Path dir, String name, int bits) {
        KeyPair pair = generate("RSA", bits);
        return new Key(writePem(dir.resolve(name + ".pem"), "PRIVATE KEY", pair.getPrivate().getEncoded()),
                "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()), pair);
    }

    public static Key ed25519(Path dir, String name) {
        KeyPair pair = generate("Ed25519", 0);
        byte[] spki = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return new Key(writePem(dir.resolve(name + ".pem"), "PRIVATE KEY", pair.getPrivate().getEncoded()),
                "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw), pair);
    }

    public static Path writePem(Path file, String type, byte[] der) {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
