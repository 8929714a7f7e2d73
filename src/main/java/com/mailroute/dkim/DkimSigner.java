package com.mailroute.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mailroute.spool.MessageBytes;

/**
 * Computes the DKIM-Signature header field (RFC 6376) for a message's bytes exactly as they will be sent:
 * relaxed/relaxed, rsa-sha256 or ed25519-sha256, no l=. The message itself is never changed; the caller
 * puts the returned field in front of it.
 */
public final class DkimSigner {

    /** Signed when present, in this order; From is always signed, and once more than present (over-signed). */
    public static final List<String> STANDARD_HEADERS = List.of("From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "List-Unsubscribe", "List-Unsubscribe-Post");
    private static final int LINE = 76;
    private static final int B64_CHUNK = 72;

    private DkimSigner() {
    }

    /** The complete DKIM-Signature field, folded, ending in CRLF; {@code time} is the t= value (seconds since the epoch). */
    public static byte[] signatureField(byte[] message, SigningKey key, long time) {
        HeaderFields fields = HeaderFields.parse(message);
        return signatureField(message, fields, bodyHash(message, fields.bodyStart()), key, time);
    }

    /**
     * The field for a spooled message: {@code head} holds its whole header section ({@code fields}, parsed from it), the
     * body hash is read from the file as a stream.
     */
    static byte[] signatureField(byte[] head, HeaderFields fields, MessageBytes message, SigningKey key, long time) {
        return signatureField(head, fields, bodyHash(message.after(fields.bodyStart())), key, time);
    }

    private static byte[] signatureField(byte[] message, HeaderFields fields, byte[] rawBodyHash, SigningKey key, long time) {
        List<String> h = signedHeaderNames(fields, key.extraHeaders());
        String bodyHash = Base64.getEncoder().encodeToString(rawBodyHash);
        String unsigned = unsignedField(key, time, h, bodyHash);
        byte[] data = headerHashInput(message, fields, h, unsigned);
        String b = Base64.getEncoder().encodeToString(sign(key.algorithm(), key.privateKey(), data));
        StringBuilder field = new StringBuilder(unsigned);
        for (int i = 0; i < b.length(); i += B64_CHUNK) {
            if (i > 0) {
                field.append("\r\n\t");
            }
            field.append(b, i, Math.min(b.length(), i + B64_CHUNK));
        }
        return field.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The h= list: each standard or extra header as often as it occurs (verifiers take instances from the
     * bottom up), then "from" once more so a From added in transit breaks the signature.
     */
    static List<String> signedHeaderNames(HeaderFields fields, List<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : STANDARD_HEADERS) {
            names.add(HeaderFields.lower(n));
        }
        for (String n : extra) {
            names.add(HeaderFields.lower(n));
        }
        List<String> h = new ArrayList<>();
        for (String n : names) {
            int count = fields.named(n).size();
            for (int i = 0; i < count; i++) {
                h.add(n);
            }
        }
        h.add("from");
        return h;
    }

    /** The field with an empty b= and every other tag final; folded at tag (and h= name) boundaries. */
    static String unsignedField(SigningKey key, long time, List<String> h, String bodyHash) {
        Folder f = new Folder("DKIM-Signature:");
        f.add(" v=1;");
        f.add(" a=" + key.algorithm().tag() + ";");
        f.add(" c=relaxed/relaxed;");
        f.add(" d=" + key.domain() + ";");
        f.add(" s=" + key.selector() + ";");
        f.add(" t=" + time + ";");
        for (int i = 0; i < h.size(); i++) {
            f.add((i == 0 ? " h=" : "") + h.get(i) + (i == h.size() - 1 ? ";" : ":"));
        }
        f.add(" bh=" + bodyHash + ";");
        f.breakLine();
        f.add("b=");
        return f.toString();
    }

    /** SHA-256 of the relaxed-canonical body. */
    static byte[] bodyHash(byte[] message, int bodyStart) {
        MessageDigest sha256 = sha256();
        Relaxed.body(message, bodyStart, message.length, sha256);
        return sha256.digest();
    }

    /** SHA-256 of the relaxed-canonical body, read as a stream. */
    static byte[] bodyHash(MessageBytes body) {
        MessageDigest sha256 = sha256();
        RelaxedBody canonical = new RelaxedBody(sha256);
        try (InputStream in = body.open()) {
            in.transferTo(canonical);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the message to sign it: " + e.getMessage(), e);
        }
        canonical.finish();
        return sha256.digest();
    }

    /**
     * RFC 6376 section 3.7: the canonical fields named in h= (repeated names take instances from the bottom up; a name
     * with no instance left contributes nothing), then the canonical DKIM-Signature field with empty b= and no final CRLF.
     */
    static byte[] headerHashInput(byte[] message, HeaderFields fields, List<String> h, String unsignedField) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, Integer> used = new HashMap<>();
        for (String name : h) {
            String n = HeaderFields.lower(name.strip());
            List<HeaderFields.Field> instances = fields.named(n);
            int u = used.merge(n, 1, Integer::sum);
            if (u <= instances.size()) {
                HeaderFields.Field f = instances.get(instances.size() - u);
                data.writeBytes(Relaxed.header(message, f.start(), f.end()));
            }
        }
        byte[] sig = unsignedField.getBytes(StandardCharsets.ISO_8859_1);
        byte[] canonical = Relaxed.header(sig, 0, sig.length);
        data.write(canonical, 0, canonical.length - 2);
        return data.toByteArray();
    }

    /** rsa-sha256: RSASSA-PKCS1-v1_5 over the data; ed25519-sha256: PureEdDSA over the data's SHA-256 (RFC 8463 section 3). */
    static byte[] sign(DkimAlgorithm algorithm, PrivateKey key, byte[] data) {
        try {
            Signature s;
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                s = Signature.getInstance("SHA256withRSA");
                s.initSign(key);
                s.update(data);
            } else {
                s = Signature.getInstance("Ed25519");
                s.initSign(key);
                s.update(sha256().digest(data));
            }
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing with " + algorithm.tag() + " failed: " + e.getMessage(), e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lines of at most 76 characters, continuation lines starting with a tab. */
    private static final class Folder {
        private final StringBuilder text = new StringBuilder();
        private int lineLength;

        Folder(String start) {
            text.append(start);
            lineLength = start.length();
        }

        void add(String piece) {
            if (lineLength + piece.length() > LINE && lineLength > 1) {
                breakLine();
                piece = piece.stripLeading();
            }
            text.append(piece);
            lineLength += piece.length();
        }

        void breakLine() {
            text.append("\r\n\t");
            lineLength = 1;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
