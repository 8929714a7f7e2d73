package com.mailroute.sanitize;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.FileBytes;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The sanitizer's way with a spooled (large) message: the same rules as in the heap, in bounded memory. A clean
 * message costs one streaming read and no copy: it leaves as the Received field before the spooled bytes
 * themselves. A dirty one is repaired from a memory-mapped file (the spooled message, or its line-end-normalized
 * copy in the spool) into the spool: only header sections ({@link HeaderSection#SPOOLED_HEADER_LIMIT}) and
 * buffers are in the heap, and a body that needs no change is not copied at all.
 */
final class SpooledRepair {
    private final MessageSanitizer sanitizer;
    private final Spool spool;
    /** Spool files made on the way; released at the end unless the result keeps one. */
    private final List<MessageBytes> scratch = new ArrayList<>();

    SpooledRepair(MessageSanitizer sanitizer, Spool spool) {
        this.sanitizer = sanitizer;
        this.spool = spool;
    }

    SanitizedMessage sanitize(MessageBytes raw, byte[] received) {
        WireScan scan = WireScan.of(raw.open());
        if (scan.lineEndsClean()) {
            SanitizedMessage clean = ifClean(raw, received, scan);
            if (clean != null) {
                return clean;
            }
        }
        try {
            return repair(raw, received, scan);
        } finally {
            scratch.forEach(MessageBytes::release);
        }
    }

    /** The message passed through untouched, or null when it needs a repair. */
    private SanitizedMessage ifClean(MessageBytes raw, byte[] received, WireScan scan) {
        byte[] head = raw.head(HeaderSection.SPOOLED_HEADER_LIMIT);
        if (MessageSanitizer.startsWith(head, "From ")) {
            return null;
        }
        SanitizeReport report = new SanitizeReport();
        HeaderSection headers = HeaderSection.parseHead(head, raw.size() > head.length, report);
        byte[] senderHeader = headers.fieldBytes();
        sanitizer.fixHeaders(headers, report);
        if (!report.isClean() || scan.lastLongLineStart() >= headers.bodyStart()) {
            return null;
        }
        return new SanitizedMessage(MessageBytes.concat(received, raw), report, senderHeader);
    }

    private SanitizedMessage repair(MessageBytes raw, byte[] received, WireScan scan) {
        SanitizeReport report = new SanitizeReport();
        FileBytes file = spool.toFile(raw);   // the same file when raw is one: no copy
        if (file != raw) {
            scratch.add(file);
        }
        FileBytes message = scan.lineEndsClean() ? file : normalized(file, report);
        ByteBuffer buf = map(message);
        int length = (int) message.length();
        int start = 0;
        if (buf.limit() >= 5 && buf.get(0) == 'F' && buf.get(1) == 'r' && buf.get(2) == 'o' && buf.get(3) == 'm' && buf.get(4) == ' ') {
            // An mbox separator ("From sender date"): never a header field, since a field name has no space.
            start = Math.min(length, LongLineRepair.lineEnd(buf, 0, length) + 1);
            report.add(SanitizeReport.MBOX_FROM);
        }
        HeaderSection headers = HeaderSection.parse(buf, start, length, report);
        byte[] senderHeader = headers.fieldBytes();
        sanitizer.fixHeaders(headers, report);
        int bodyStart = headers.bodyStart();
        LongLineRepair longLines = new LongLineRepair(buf, BodyBuffer.spool(spool), report);
        LongLineRepair.Repaired repaired = longLines.hasLongLine(bodyStart, length)
                ? longLines.repair(headers, bodyStart, length, "text/plain") : null;
        if (report.isClean()) {
            // a view of the raw message: its owner (the way in) releases it, the result never does
            return new SanitizedMessage(MessageBytes.concat(received, raw.after(0)), report, senderHeader);
        }
        if (repaired == null) {
            return new SanitizedMessage(withBody(received, headers, message, raw, bodyStart), report, senderHeader);
        }
        try {
            return new SanitizedMessage(withRepairedBody(received, headers, repaired), report, senderHeader);
        } finally {
            repaired.body().release();
        }
    }

    /** The repaired header section before the body as it stands in {@code message}, which is not copied. */
    private MessageBytes withBody(byte[] received, HeaderSection headers, FileBytes message, MessageBytes raw, int bodyStart) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(received.length + 4096);
        head.writeBytes(received);
        headers.writeTo(head, bodyStart < message.length());
        if (bodyStart == message.length()) {
            return MessageBytes.of(head.toByteArray());
        }
        MessageBytes body;
        if (message == raw) {
            body = message.after(bodyStart);   // the caller's file: a region it keeps owning
        } else {
            // A spool file of ours: the result owns it (releasing the region deletes the file).
            scratch.remove(message);
            body = new FileBytes(message.file(), message.offset() + bodyStart, message.length() - bodyStart, true);
        }
        return MessageBytes.concat(head.toByteArray(), body);
    }

    private MessageBytes withRepairedBody(byte[] received, HeaderSection headers, LongLineRepair.Repaired repaired) {
        MessageSanitizer.relabel(headers, repaired);
        MessageBytes body = repaired.body();
        try (BodyBuffer out = BodyBuffer.spool(spool).create(0)) {
            out.write(received);
            headers.writeTo(out, body.size() > 0);
            body.writeTo(out);
            if (body.size() > 0 && !LongLineRepair.endsWithCrLf(body)) {
                out.write(LineEndNormalizingStream.crlf());
            }
            return out.finish();
        }
    }

    /** A spool file holding the message with every line end CRLF and no NUL. */
    private FileBytes normalized(FileBytes file, SanitizeReport report) {
        try (Spool.Sink sink = spool.sink()) {
            LineEndNormalizingStream normalizer = new LineEndNormalizingStream(sink);
            file.writeTo(normalizer);
            normalizer.finish(report);
            MessageBytes bytes = sink.finish();
            FileBytes normalized = spool.toFile(bytes);
            if (normalized != bytes) {
                bytes.release();
            }
            scratch.add(normalized);
            return normalized;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the repaired message to the spool: " + e.getMessage(), e);
        }
    }

    /** The file region mapped into memory (outside the heap), so the repair can walk it like an array. */
    private static ByteBuffer map(FileBytes file) {
        if (file.length() > Integer.MAX_VALUE - 16) {
            throw new RejectedException("message is " + file.length() + " bytes and needs repair: the sanitizer repairs"
                    + " messages up to 2 GiB (mailroute.message.max-size should be far lower)", 413);
        }
        try (FileChannel channel = FileChannel.open(file.file(), StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, file.offset(), file.length());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spooled message " + file.file() + ": " + e.getMessage(), e);
        }
    }
}
