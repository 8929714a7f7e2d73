package com.mailroute.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mailroute.smtp.MessagePreparer;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.PreparedMessage;
import com.mailroute.smtp.ServerCapabilities;
import com.mailroute.spool.MessageBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the bytes that will really go to a host, after the capability check and any 8bit→7bit conversion
 * ({@link #around} wraps the delivery's MessagePreparer). A message's byte form is signed once: the field is
 * kept for the next host or attempt that gets the same bytes.
 */
public final class DkimSigning {
    private static final Logger LOG = LoggerFactory.getLogger(DkimSigning.class);
    private static final int CACHE_ENTRIES = 1024;
    /** The most of a spooled message read into the heap for its header section (real ones are under 64 KB). */
    static final int HEADER_LIMIT = 256 * 1024;
    private static final Pattern D_TAG = Pattern.compile("(?:^|;)\\s*d\\s*=\\s*([^;\\s]+)");

    private final DkimKeys keys;
    private final SigningEvents metrics;
    private final Clock clock;
    /** SHA-256 of the prepared bytes → the DKIM-Signature field made for them (empty: nothing to add). */
    private final Map<ByteBuffer, byte[]> signed = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    public DkimSigning(DkimKeys keys, SigningEvents metrics, Clock clock) {
        this.keys = keys;
        this.metrics = metrics;
        this.clock = clock;
    }

    public DkimKeys keys() {
        return keys;
    }

    /**
     * A preparer that signs what {@code inner} prepares. {@code queued} is the message as queued (to tell whether
     * it was converted); {@code logContext} starts log lines, e.g. "id=... domain=... host [addr]".
     */
    public MessagePreparer around(MessagePreparer inner, MessageBytes queued, String logContext) {
        return caps -> {
            PreparedMessage prepared = inner.prepare(caps);
            try {
                return sign(prepared, queued, caps, logContext);
            } catch (RuntimeException e) {
                prepared.releaseScratch();   // the converted copy would otherwise outlive the failed attempt
                throw e;
            }
        };
    }

    PreparedMessage sign(PreparedMessage prepared, MessageBytes queued, ServerCapabilities caps, String logContext) throws PolicyRejection {
        MessageBytes bytes = prepared.bytes();
        if (keys.isEmpty() && bytes == queued) {
            return prepared;   // nothing to sign and no signature of the message's own broken: no header parse per delivery
        }
        // A spooled message: its header section from the head of the file (bounded), its body hashed as a stream.
        byte[] header = bytes.inHeap() ? bytes.toByteArray() : bytes.head(HEADER_LIMIT);
        HeaderFields fields = HeaderFields.parse(header);
        Optional<String> fromDomain = FromDomain.of(fields);
        SigningKey key = fromDomain.flatMap(keys::forFromDomain).orElse(null);
        boolean ownSignatureBroken = fields.has("DKIM-Signature") && !sameBytes(bytes, queued);
        if (key == null && !ownSignatureBroken) {
            return prepared;
        }
        if (!fields.ended() && header.length < bytes.size()) {
            LOG.warn("{}: the header section is larger than {} bytes: the message leaves without MailRoute's DKIM signature",
                    logContext, HEADER_LIMIT);
            return prepared;
        }
        byte[] field = bytes.inHeap()
                ? fieldFor(header, fields, key, ownSignatureBroken, fromDomain.orElse("(none)"), logContext)
                : fieldFor(header, fields, bytes, key, ownSignatureBroken, fromDomain.orElse("(none)"), logContext);
        if (field.length == 0) {
            return prepared;
        }
        metrics.dkimSigned(key.domain());
        MessageBytes out = MessageBytes.concat(field, bytes);
        if (caps.announcesSize() && caps.sizeLimit() > 0 && out.size() > caps.sizeLimit()) {
            prepared.releaseScratch();
            throw new PolicyRejection("5.3.4", "message size " + out.size() + " bytes with its DKIM signature exceeds the limit of "
                    + caps.sizeLimit() + " bytes announced by the host");
        }
        return prepared.withBytes(out);
    }

    /** Whether conversion left the bytes as queued: the same object, or (rarely) equal bytes. */
    private static boolean sameBytes(MessageBytes a, MessageBytes b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        if (a.inHeap() && b.inHeap()) {
            return Arrays.equals(a.toByteArray(), b.toByteArray());
        }
        try (InputStream x = a.open(); InputStream y = b.open()) {
            byte[] bx = new byte[64 * 1024];
            byte[] by = new byte[64 * 1024];
            for (int n; (n = x.readNBytes(bx, 0, bx.length)) > 0; ) {
                if (y.readNBytes(by, 0, n) != n || !Arrays.equals(bx, 0, n, by, 0, n)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] fieldFor(byte[] bytes, HeaderFields fields, SigningKey key, boolean ownSignatureBroken, String fromDomain,
                            String logContext) {
        // SHA-256 of the bytes: far cheaper than canonicalizing and signing them again.
        ByteBuffer cacheKey = ByteBuffer.wrap(DkimSigner.sha256().digest(bytes));
        synchronized (signed) {
            byte[] cached = signed.get(cacheKey);
            if (cached != null) {
                return cached;
            }
        }
        byte[] field = key == null ? new byte[0] : DkimSigner.signatureField(bytes, key, clock.instant().getEpochSecond());
        logSigned(bytes, fields, key, ownSignatureBroken, fromDomain, logContext);
        synchronized (signed) {
            signed.put(cacheKey, field);
        }
        return field;
    }

    /**
     * A spooled message is signed on every attempt, without the cache: its key would be a digest of the whole file,
     * one more pass over it, while signing is one pass (the body hash) and a signature.
     */
    private byte[] fieldFor(byte[] header, HeaderFields fields, MessageBytes bytes, SigningKey key, boolean ownSignatureBroken,
                            String fromDomain, String logContext) {
        byte[] field = key == null ? new byte[0] : DkimSigner.signatureField(header, fields, bytes, key, clock.instant().getEpochSecond());
        logSigned(header, fields, key, ownSignatureBroken, fromDomain, logContext);
        return field;
    }

    private void logSigned(byte[] header, HeaderFields fields, SigningKey key, boolean ownSignatureBroken, String fromDomain,
                           String logContext) {
        if (ownSignatureBroken) {
            metrics.dkimOwnSignatureBroken(fromDomain);
            String theirs = ownSignatureDomains(header, fields);
            if (key != null) {
                LOG.info("{}: the message's own DKIM signature ({}) cannot survive the 8bit→7bit conversion for this host; signed by MailRoute as {}",
                        logContext, theirs, key);
            } else {
                LOG.warn("{}: the message's own DKIM signature ({}) cannot survive the 8bit→7bit conversion for this host, and MailRoute has no "
                        + "DKIM key for From domain {} (mailroute.dkim.{}.selector/.key): it leaves without a valid signature",
                        logContext, theirs, fromDomain, fromDomain);
            }
        } else {
            LOG.debug("{}: DKIM-signed as {}", logContext, key);
        }
    }

    private static String ownSignatureDomains(byte[] bytes, HeaderFields fields) {
        StringBuilder s = new StringBuilder();
        for (HeaderFields.Field f : fields.named("DKIM-Signature")) {
            Matcher m = D_TAG.matcher(fields.unfoldedValue(f));
            s.append(s.length() == 0 ? "" : ", ").append("d=").append(m.find() ? m.group(1) : "?");
        }
        return s.toString();
    }

}
