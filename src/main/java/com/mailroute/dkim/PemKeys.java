package com.mailroute.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a DKIM private key from a PEM file with the JDK alone: PKCS#8 ("BEGIN PRIVATE KEY", what
 * {@code openssl genpkey} writes) holding RSA or Ed25519, or PKCS#1 ("BEGIN RSA PRIVATE KEY", older
 * {@code openssl genrsa}), and derives its public key for the DNS record. Every problem is an
 * IllegalArgumentException whose message says what is wrong with the file.
 */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }, to wrap a PKCS#1 key as PKCS#8. */
    private static final byte[] RSA_ALGORITHM_ID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemKeys() {
    }

    /** The key pair in the file; the public half derived from the private one and checked against it. */
    static KeyPair read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key file: " + e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            String body = m.group(2);
            switch (type) {
                case "PRIVATE KEY":
                    return checked(pkcs8(der(body, type)));
                case "RSA PRIVATE KEY":
                    if (body.contains("Proc-Type:")) {
                        throw new IllegalArgumentException("the RSA key is encrypted; MailRoute needs it unencrypted "
                                + "(openssl pkey -in KEY -out PLAIN.pem), readable only by the user running MailRoute");
                    }
                    return checked(pkcs8(wrapPkcs1(der(body, type))));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("the key is encrypted; MailRoute needs it unencrypted "
                            + "(openssl pkey -in KEY -out PLAIN.pem), readable only by the user running MailRoute");
                case "EC PRIVATE KEY":
                    throw new IllegalArgumentException("an ECDSA key: DKIM signs with RSA or Ed25519 only");
                case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
                    continue; // a public part next to the private key is fine; alone it is reported below
                default:
                    throw new IllegalArgumentException("a PEM block of type '" + type + "': expected 'PRIVATE KEY' (PKCS#8) or 'RSA PRIVATE KEY'");
            }
        }
        throw new IllegalArgumentException("no PEM private key in the file (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
    }

    private static byte[] der(String base64, String type) {
        try {
            return Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " block is not valid base64: " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(byte[] der) {
        for (String algorithm : new String[] {"RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("the private key is neither RSA nor Ed25519 (or the PEM data is damaged)");
    }

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 } around an RSAPrivateKey. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
        inner.writeBytes(RSA_ALGORITHM_ID);
        inner.write(0x04);
        inner.writeBytes(derLength(pkcs1.length));
        inner.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(inner.size()));
        out.writeBytes(inner.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
        byte[] out = new byte[bytes + 1];
        out[0] = (byte) (0x80 | bytes);
        for (int i = bytes; i >= 1; i--) {
            out[i] = (byte) n;
            n >>>= 8;
        }
        return out;
    }

    private static KeyPair checked(PrivateKey key) {
        KeyPair pair = new KeyPair(publicKeyOf(key), key);
        // A key pair that does not verify its own signature would sign every message uselessly.
        try {
            byte[] probe = "MailRoute DKIM key check".getBytes(StandardCharsets.US_ASCII);
            String algorithm = key instanceof EdECPrivateKey ? "Ed25519" : "SHA256withRSA";
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pair.getPublic());
            v.update(probe);
            if (!v.verify(signature)) {
                throw new IllegalArgumentException("the public key derived from the private key does not verify its signature");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key cannot sign: " + e.getMessage());
        }
        return pair;
    }

    private static PublicKey publicKeyOf(PrivateKey key) {
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (key instanceof EdECPrivateKey ed) {
                byte[] seed = ed.getBytes().orElseThrow(() -> new IllegalArgumentException("the Ed25519 key's bytes cannot be read"));
                // RFC 8032: the key pair follows from the 32-byte seed alone. The JDK's generator draws exactly
                // that seed from its random source, so a source that returns the seed yields this key's pair.
                KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
                generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
                KeyPair pair = generator.generateKeyPair();
                if (!Arrays.equals(((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(null), seed)) {
                    throw new IllegalArgumentException("cannot derive the Ed25519 public key on this Java version");
                }
                return pair.getPublic();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot derive the public key: " + e.getMessage());
        }
        throw new IllegalArgumentException("an RSA key without its public exponent (not in CRT form); write it again with openssl pkey");
    }

    /** The p= bytes: SubjectPublicKeyInfo for RSA, the raw 32 bytes for Ed25519 (RFC 8463 section 4). */
    static byte[] dnsPublicKey(PublicKey key) {
        byte[] spki = key.getEncoded();
        return key.getAlgorithm().equals("RSA") ? spki : Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }

    /** Hands out one fixed seed: only for deriving a known key's public half. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
