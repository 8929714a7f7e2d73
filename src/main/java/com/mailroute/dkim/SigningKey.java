package com.mailroute.dkim;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;

/**
 * One configured signer: mail whose From domain is {@code domain} (or below it, with {@code subdomains})
 * is signed as d={@code domain} s={@code selector}.
 *
 * @param publicKey    the p= bytes: SubjectPublicKeyInfo DER for RSA, the raw 32-byte key for Ed25519 (RFC 8463)
 * @param extraHeaders header fields signed in addition to {@link DkimSigner#STANDARD_HEADERS}, when present
 * @param bits         key size (RSA modulus bits; 256 for Ed25519)
 */
public record SigningKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey, byte[] publicKey,
                         List<String> extraHeaders, boolean subdomains, Path file, int bits) {

    /** Where receivers look the key up: selector._domainkey.domain. */
    public String dnsName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record to publish at {@link #dnsName()}. */
    public String txtRecord() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + Base64.getEncoder().encodeToString(publicKey);
    }

    @Override
    public String toString() {
        String kind = algorithm == DkimAlgorithm.RSA_SHA256 ? bits + "-bit RSA key" : "Ed25519 key";
        return "d=" + domain + " s=" + selector + " a=" + algorithm.tag() + " (" + kind + " " + file + ")";
    }
}
