package com.mailroute.mime;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.mailroute.spool.FileBytes;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;

/**
 * {@link Bodies} for a spooled message: Angus parses it from a {@link SharedFileInputStream} over the spool file, which
 * reads header sections and keeps every part's content as a file region; bodies are read as streams, each time
 * from the file. What must be rewritten (a header section ended early, a decoded enclosed message, the converted
 * result) goes through {@link Spool#sink()}. Header sections and multipart preambles are held in the heap, as Angus
 * holds them; a multipart whose own transfer encoding is base64 or quoted-printable (which RFC 2045 forbids) is
 * decoded by Angus into the heap.
 */
final class SpooledBodies implements Bodies {
    private static final int BUFFER = 64 * 1024;
    private static final int FILE_BUFFER = 16 * 1024;   // per open region: Angus opens one per part

    private final Spool spool;
    private final List<SharedFileInputStream> files = new ArrayList<>();
    private final List<MessageBytes> scratch = new ArrayList<>();

    SpooledBodies(Spool spool) {
        this.spool = spool;
    }

    @Override
    public ParsedMessage parse(MessageBytes message) {
        try {
            return new ParsedMessage(stream(message));
        } catch (MessagingException e) {
            throw new IllegalArgumentException("message cannot be parsed as MIME: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasEightBit(MimePart part) throws MessagingException, IOException {
        SharedInputStream raw = raw(part);
        try (InputStream in = raw.newStream(0, -1)) {
            return ByteScan.hasEightBit(in);
        }
    }

    @Override
    public int delimiterLines(MimePart part, String boundary) throws MessagingException, IOException {
        try (InputStream in = raw(part).newStream(0, -1)) {
            return Epilogue.delimiterLines(in, boundary);
        }
    }

    @Override
    public Tail epilogue(MimePart part, String boundary) throws MessagingException, IOException {
        SharedInputStream raw = raw(part);
        long offset;
        try (InputStream in = raw.newStream(0, -1)) {
            offset = Epilogue.offset(in, boundary);
        }
        if (offset < 0) {
            return null;
        }
        boolean eightBit;
        try (InputStream in = raw.newStream(offset, -1)) {
            eightBit = ByteScan.hasEightBit(in);
        }
        return new Tail(eightBit, os -> {
            try (InputStream in = raw.newStream(offset, -1)) {
                byte[] buf = new byte[BUFFER];
                for (int n; (n = in.read(buf)) > 0; ) {
                    Bodies.writeSevenBit(buf, 0, n, os);
                }
            }
        });
    }

    @Override
    public ParsedMessage repaired(ParsedMessage message) throws MessagingException, IOException {
        MessageBytes headerEnded = headerEnded(message);
        return headerEnded == null ? null : parse(headerEnded);
    }

    @Override
    public MimeBodyPart repaired(MimeBodyPart part) throws MessagingException, IOException {
        MessageBytes headerEnded = headerEnded(part);
        return headerEnded == null ? null : new MimeBodyPart(stream(headerEnded));
    }

    private MessageBytes headerEnded(MimePart part) throws MessagingException, IOException {
        List<String> lines = Collections.list(part.getAllHeaderLines());
        int first = HeaderEnd.firstToMove(lines);
        if (first < 0) {
            return null;
        }
        try (Spool.Sink sink = spool.sink(); InputStream body = raw(part).newStream(0, -1)) {
            HeaderEnd.writeHeader(lines, first, sink);
            body.transferTo(sink);
            return kept(sink.finish());
        }
    }

    @Override
    public ParsedMessage enclosed(MimePart part, String declaredEncoding) throws MessagingException, IOException {
        SharedInputStream raw = raw(part);
        if (HeapBodies.isIdentity(declaredEncoding)) {
            return new ParsedMessage(raw.newStream(0, -1));
        }
        if (!declaredEncoding.equals("quoted-printable") && hasEightBit(part)) {
            return null;
        }
        MessageBytes decoded;
        try (Spool.Sink sink = spool.sink(); InputStream in = MimeUtility.decode(raw.newStream(0, -1), declaredEncoding)) {
            in.transferTo(sink);
            decoded = kept(sink.finish());
        } catch (MessagingException | IOException | RuntimeException notAsDeclared) {
            return null;
        }
        return new ParsedMessage(stream(decoded));
    }

    @Override
    public ParsedMessage enclosed(MimePart part) throws MessagingException, IOException {
        InputStream in = part.getInputStream();
        if (in instanceof SharedInputStream) {
            return new ParsedMessage(in);   // 7bit/8bit/binary: a region of the spool file, nothing read yet
        }
        try (in; Spool.Sink sink = spool.sink()) {
            in.transferTo(sink);
            return new ParsedMessage(stream(kept(sink.finish())));
        }
    }

    @Override
    public Leaf leaf(MimePart part, String declaredEncoding) throws MessagingException, IOException {
        SharedInputStream raw = raw(part);   // taken now: the part gets a new DataHandler once converted
        Opener rawContent = () -> raw.newStream(0, -1);
        Opener content = rawContent;
        boolean asDeclared = true;
        if (!HeapBodies.isIdentity(declaredEncoding)) {
            if (!declaredEncoding.equals("quoted-printable") && hasEightBit(part)) {
                asDeclared = false;
            } else {
                Opener decoding = () -> decode(rawContent.open(), declaredEncoding);
                asDeclared = decodes(decoding);
                content = asDeclared ? decoding : rawContent;
            }
        }
        Opener source = content;
        boolean decodedAsDeclared = asDeclared;
        return new Leaf() {
            @Override
            public DataSource source() {
                return new StreamSource(source);
            }

            @Override
            public boolean decodedAsDeclared() {
                return decodedAsDeclared;
            }

            @Override
            public boolean validUtf8() throws IOException {
                try (InputStream in = source.open()) {
                    return ByteScan.isValidUtf8(in);
                }
            }
        };
    }

    /** A trial run of the decoder over the whole content, as the array version decodes before it encodes. */
    private static boolean decodes(Opener decoding) {
        try (InputStream in = decoding.open()) {
            byte[] buf = new byte[BUFFER];
            while (in.read(buf) >= 0) {
                // only whether it decodes to the end counts
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static InputStream decode(InputStream raw, String encoding) throws IOException {
        try {
            return MimeUtility.decode(raw, encoding);
        } catch (MessagingException e) {
            raw.close();
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public MessageBytes written(ParsedMessage converted) throws MessagingException, IOException {
        try (Spool.Sink sink = spool.sink()) {
            SevenBitCheck.Checked checked = new SevenBitCheck.Checked(sink);
            OutputStream out = new BufferedOutputStream(checked, BUFFER);
            converted.readyToWrite().writeTo(out);
            out.flush();
            checked.endWithCrLf();
            return sink.finish();
        }
    }

    @Override
    public void close() {
        for (SharedFileInputStream f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // a read-only handle: nothing is lost
            }
        }
        scratch.forEach(MessageBytes::release);
    }

    /** A stream Angus parses lazily: a region of a file for spooled bytes, a shared array for small ones. */
    private InputStream stream(MessageBytes bytes) {
        if (bytes.inHeap()) {
            return new SharedByteArrayInputStream(bytes.toByteArray());
        }
        FileBytes file = spool.toFile(bytes);
        if (file != bytes) {
            scratch.add(file);
        }
        try {
            SharedFileInputStream shared = new SharedFileInputStream(file.file().toFile(), FILE_BUFFER);
            files.add(shared);
            return shared.newStream(file.offset(), file.offset() + file.length());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.file() + ": " + e.getMessage(), e);
        }
    }

    private MessageBytes kept(MessageBytes bytes) {
        scratch.add(bytes);
        return bytes;
    }

    /** The entity's raw body as a re-readable region (Angus keeps it as one when it parsed from a shared stream). */
    private static SharedInputStream raw(MimePart part) throws MessagingException, IOException {
        InputStream in = Entities.rawStream(part);
        if (in instanceof SharedInputStream shared) {
            return shared;
        }
        try (in) {
            return new SharedByteArrayInputStream(in.readAllBytes());   // Angus already held this one in the heap
        }
    }

    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    /** A DataSource read afresh from the spool file each time Angus writes it. */
    private record StreamSource(Opener opener) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            return opener.open();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public String getContentType() {
            return "application/octet-stream";
        }

        @Override
        public String getName() {
            return "";
        }
    }
}
