package com.mailroute.sanitize;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random message for property tests, kept as logical lines so the test knows what the sender meant:
 * every line is written with a random line end (CRLF, LF, CR or CR CR LF) and may contain NULs,
 * dots, 8-bit bytes and over-long runs. {@link #expectedParts()} is the decoded content of each part
 * as the sender meant it (CRLF line ends, NULs gone).
 */
final class GeneratedMessage {
    private static final byte[][] LINE_ENDS = {"\r\n".getBytes(), "\n".getBytes(), "\r".getBytes(), "\r\r\n".getBytes()};
    private static final byte[] CONTENT_BYTES = {'a', 'b', 'Z', ' ', ' ', '.', '=', '\t', 0, (byte) 0xE9, (byte) 0xFF, '1'};
    static final String BOUNDARY = "=_part_boundary";

    private final List<byte[]> lines = new ArrayList<>();
    /** Unfolded values of header fields (other than Bcc) that must survive, NULs removed. */
    final Map<String, String> keptHeaders = new LinkedHashMap<>();
    final List<byte[]> expectedParts = new ArrayList<>();
    boolean multipart;
    byte[] raw;

    static GeneratedMessage generate(Random random) {
        GeneratedMessage message = new GeneratedMessage();
        message.build(random);
        return message;
    }

    private void build(Random random) {
        header("From", "Sender <sender@example.com>");
        header("To", "rcpt@example.org");
        if (random.nextBoolean()) {
            header("Subject", "Subject with " + word(random, 1 + random.nextInt(20)));
        }
        if (random.nextBoolean()) {
            header("Date", "Mon, 23 Nov 2026 10:00:00 +0000");
        }
        if (random.nextBoolean()) {
            header("Message-ID", "<" + random.nextInt(1_000_000) + "@example.com>");
        }
        if (random.nextInt(3) == 0) {
            lines.add(ascii("Bcc: hidden@example.net,"));
            lines.add(ascii("\thidden2@example.net"));
        }
        if (random.nextInt(4) == 0) {
            StringBuilder value = new StringBuilder();
            int words = 20 + random.nextInt(400);
            for (int i = 0; i < words; i++) {
                value.append(i == 0 ? "" : " ").append(word(random, 1 + random.nextInt(30)));
            }
            header("X-Long", value.toString());
        }
        multipart = random.nextBoolean();
        if (multipart) {
            header("MIME-Version", "1.0");
            header("Content-Type", "multipart/mixed; boundary=\"" + BOUNDARY + "\"");
            lines.add(new byte[0]);
            if (random.nextBoolean()) {
                lines.add(ascii("This is a multi-part message in MIME format."));
            }
            int parts = 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                lines.add(ascii("--" + BOUNDARY));
                lines.add(ascii(random.nextBoolean() ? "Content-Type: text/plain; charset=ISO-8859-1" : "Content-Type: application/octet-stream"));
                int encoding = random.nextInt(3);
                if (encoding > 0) {
                    lines.add(ascii("Content-Transfer-Encoding: " + (encoding == 1 ? "7bit" : "8bit")));
                }
                lines.add(new byte[0]);
                expectedParts.add(contentLines(random, false));
            }
            lines.add(ascii("--" + BOUNDARY + "--"));
        } else {
            if (random.nextBoolean()) {
                header("Content-Type", "text/plain; charset=ISO-8859-1");
            }
            lines.add(new byte[0]);
            expectedParts.add(contentLines(random, true));
        }
        raw = render(random);
    }

    /** Adds 1..n random content lines; returns their meaning (CRLF-joined, NULs removed). */
    private byte[] contentLines(Random random, boolean trailingLineEnd) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int count = 1 + random.nextInt(8);
        for (int i = 0; i < count; i++) {
            byte[] line = contentLine(random);
            lines.add(line);
            expected.writeBytes(withoutNul(line));
            if (i < count - 1 || trailingLineEnd) {
                expected.writeBytes("\r\n".getBytes());
            }
        }
        return expected.toByteArray();
    }

    private static byte[] contentLine(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return ascii(".");
        }
        if (kind == 1) {
            return new byte[0];
        }
        int length = kind == 2 ? 999 + random.nextInt(2000) : random.nextInt(100);
        byte[] line = new byte[length];
        for (int i = 0; i < length; i++) {
            line[i] = CONTENT_BYTES[random.nextInt(CONTENT_BYTES.length)];
        }
        return line;
    }

    private void header(String name, String value) {
        lines.add(ascii(name + ": " + value));
        keptHeaders.put(name, value);
    }

    /** Writes the lines with random line ends, avoiding only the combinations that mean fewer line breaks. */
    private byte[] render(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            byte[] end = LINE_ENDS[random.nextInt(LINE_ENDS.length)];
            boolean nextIsEmpty = i + 1 < lines.size() && withoutNul(lines.get(i + 1)).length == 0;
            if (end.length == 1 && end[0] == '\r' && nextIsEmpty) {
                // CR, an empty line, then LF would be one CRLF: the sender would have meant one break.
                end = LINE_ENDS[0];
            }
            out.writeBytes(lines.get(i));
            out.writeBytes(end);
        }
        return out.toByteArray();
    }

    private static String word(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static byte[] withoutNul(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        int o = 0;
        for (byte b : bytes) {
            if (b != 0) {
                out[o++] = b;
            }
        }
        return Arrays.copyOf(out, o);
    }

    @Override
    public String toString() {
        return new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r").replace("\n", "\\n\n").replace("\0", "\\0");
    }
}
