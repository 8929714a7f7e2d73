package com.mailroute.sanitize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Seeded generator of real-world-like mail: well-formed 8-bit messages (plain text, alternative,
 * attachments with UTF-8 file names, nested multiparts, enclosed messages, preamble and epilogue) and
 * the same messages damaged the way broken mailers and scripts damage them: stray CR and LF, dot lines,
 * NUL, raw 8-bit bytes in headers, header names, part headers, preamble and epilogue, lines of 990-3000
 * octets, parts cut and spliced, garbled header lines, base64 with bad lines, mislabelled encodings, an
 * mbox From line. The same seed gives the same bytes.
 *
 * <p>{@code java -cp target/test-classes:target/classes:... com.mailroute.sanitize.MalformedMessages SEED COUNT DIR}
 * writes COUNT files DIR/NNNNN.eml (bench/malformed.sh uses it).
 */
public final class MalformedMessages {

    /** A generated message and what was done to it. */
    public record Sample(byte[] raw, String description) {
        @Override
        public String toString() {
            return description + "\n" + new String(raw, StandardCharsets.ISO_8859_1)
                    .replace("\r", "\\r").replace("\n", "\\n\n").replace("\0", "\\0");
        }
    }

    private enum Region { HEADER, PART_HEADER, TEXT, BASE64, PREAMBLE, EPILOGUE, BOUNDARY, SEPARATOR }

    private record Line(Region region, byte[] bytes) {}

    private static final String[] WORDS = {"the", "invoice", "meeting", "Grüße", "café", "naïve", "Straße", "€100",
            "Überweisung", "déjà", "vu", "日本語", "tomorrow", "order", "42", "über", "señor", "crème", "brûlée", "ok",
            "please", "find", "attached", "Zürich", "Ærøskøbing", "Łódź", "résumé", "price:", "--", "=", "."};
    private static final String[] NAMES = {"Jörg Müller", "Zoë Smith", "André", "Bob", "Renée O'Hara", "李雷", "Anna"};
    private static final String[] FILES = {"Rechnung März.pdf", "report.pdf", "photo été.jpg", "naïve data.csv", "報告.docx"};

    private final Random random;
    private final List<Line> lines = new ArrayList<>();
    private final List<String> done = new ArrayList<>();
    private int boundaries;

    private MalformedMessages(Random random) {
        this.random = random;
    }

    /** A well-formed message with 8-bit content (8bit text parts, raw UTF-8 Subject and display names). */
    public static Sample wellFormed(Random random) {
        MalformedMessages m = new MalformedMessages(random);
        m.message(true);
        return new Sample(m.render(false), "well-formed " + String.join(",", m.done));
    }

    /** A well-formed message with one to six kinds of damage. */
    public static Sample malformed(Random random) {
        MalformedMessages m = new MalformedMessages(random);
        m.message(random.nextInt(4) != 0);
        int mutations = 1 + random.nextInt(6);
        for (int i = 0; i < mutations; i++) {
            m.mutateLines();
        }
        byte[] raw = m.render(random.nextInt(5) == 0);
        for (int i = 0, n = random.nextInt(3); i < n; i++) {
            raw = m.mutateBytes(raw);
        }
        return new Sample(raw, "malformed " + String.join(",", m.done));
    }

    // ---- well-formed messages ----

    private void message(boolean eightBit) {
        if (random.nextBoolean()) {
            header("Received", "from app01.example.com (app01 [10.0.0.5]) by mx.example.com; Mon, 23 Nov 2026 10:00:00 +0000");
        }
        header("From", (eightBit ? quoteIfNeeded(pick(NAMES)) : "Shop") + " <shop@example.com>");
        header("To", "Dylan <dylan@example.org>");
        if (random.nextInt(3) == 0) {
            header("Cc", (eightBit ? pick(NAMES) : "Carol") + " <carol@example.org>");
        }
        header("Subject", eightBit && random.nextBoolean() ? sentence(3 + random.nextInt(8)) : "Your order " + random.nextInt(1000));
        header("Date", "Mon, 23 Nov 2026 10:00:" + (10 + random.nextInt(50)) + " +0100");
        header("Message-ID", "<" + Long.toHexString(random.nextLong()) + "@example.com>");
        header("MIME-Version", "1.0");
        if (random.nextBoolean()) {
            header("X-Mailer", "OldMailer 4.2 (Windows NT 5.0)");
        }
        switch (random.nextInt(5)) {
            case 0 -> textEntity(Region.HEADER, "text/plain", eightBit);
            case 1 -> {
                done.add("alternative");
                multipart(Region.HEADER, "alternative", () -> {
                    part(() -> textEntity(Region.PART_HEADER, "text/plain", eightBit));
                    part(() -> textEntity(Region.PART_HEADER, "text/html", eightBit));
                });
            }
            case 2 -> {
                done.add("attachment");
                multipart(Region.HEADER, "mixed", () -> {
                    part(() -> textEntity(Region.PART_HEADER, "text/plain", eightBit));
                    part(() -> attachment(eightBit));
                });
            }
            case 3 -> {
                done.add("nested");
                multipart(Region.HEADER, "mixed", () -> {
                    part(() -> multipart(Region.PART_HEADER, "alternative", () -> {
                        part(() -> textEntity(Region.PART_HEADER, "text/plain", eightBit));
                        part(() -> textEntity(Region.PART_HEADER, "text/html", eightBit));
                    }));
                    part(() -> enclosedMessage(eightBit));
                    part(() -> attachment(eightBit));
                });
            }
            default -> {
                done.add("quoted-printable");
                add(Region.HEADER, "Content-Type: text/plain; charset=utf-8");
                add(Region.HEADER, "Content-Transfer-Encoding: quoted-printable");
                add(Region.SEPARATOR, "");
                for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
                    add(Region.TEXT, qp(sentence(4 + random.nextInt(12))));
                }
            }
        }
    }

    private void header(String name, String value) {
        add(Region.HEADER, name + ": " + value);
    }

    private void textEntity(Region headerRegion, String type, boolean eightBit) {
        boolean latin1 = eightBit && random.nextInt(4) == 0;
        add(headerRegion, "Content-Type: " + type + "; charset=" + (latin1 ? "iso-8859-1" : "utf-8"));
        add(headerRegion, "Content-Transfer-Encoding: " + (eightBit ? "8bit" : "7bit"));
        add(Region.SEPARATOR, "");
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            String text = eightBit ? sentence(3 + random.nextInt(14)) : "plain ascii line " + i;
            if (latin1) {
                text = new String(text.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
            }
            if (type.equals("text/html")) {
                text = "<p>" + text + "</p>";
            }
            lines.add(new Line(Region.TEXT, text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8)));
        }
    }

    private void attachment(boolean eightBit) {
        String file = eightBit ? pick(FILES) : "report.pdf";
        add(Region.PART_HEADER, "Content-Type: application/pdf; name=\"" + file + "\"");
        add(Region.PART_HEADER, "Content-Transfer-Encoding: base64");
        add(Region.PART_HEADER, "Content-Disposition: attachment; filename=\"" + file + "\"");
        add(Region.SEPARATOR, "");
        byte[] data = new byte[30 + random.nextInt(600)];
        random.nextBytes(data);
        String encoded = Base64.getEncoder().encodeToString(data);
        for (int i = 0; i < encoded.length(); i += 76) {
            add(Region.BASE64, encoded.substring(i, Math.min(encoded.length(), i + 76)));
        }
    }

    private void enclosedMessage(boolean eightBit) {
        add(Region.PART_HEADER, "Content-Type: message/rfc822");
        add(Region.SEPARATOR, "");
        add(Region.PART_HEADER, "From: " + (eightBit ? quoteIfNeeded(pick(NAMES)) : "Ann") + " <ann@example.net>");
        add(Region.PART_HEADER, "Subject: " + (eightBit ? sentence(3) : "forwarded"));
        add(Region.PART_HEADER, "Content-Type: text/plain; charset=utf-8");
        add(Region.PART_HEADER, "Content-Transfer-Encoding: " + (eightBit ? "8bit" : "7bit"));
        add(Region.SEPARATOR, "");
        add(Region.TEXT, eightBit ? sentence(6) : "forwarded text");
    }

    private void multipart(Region headerRegion, String subtype, Runnable parts) {
        String boundary = "=_b" + (++boundaries) + "_" + Integer.toHexString(random.nextInt());
        add(headerRegion, "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"");
        add(Region.SEPARATOR, "");
        if (random.nextBoolean()) {
            add(Region.PREAMBLE, "This is a multi-part message in MIME format.");
        }
        currentBoundary.add(boundary);
        parts.run();
        currentBoundary.remove(currentBoundary.size() - 1);
        add(Region.BOUNDARY, "--" + boundary + "--");
        if (random.nextInt(3) == 0) {
            add(Region.EPILOGUE, "epilogue: end of message");
        }
    }

    private final List<String> currentBoundary = new ArrayList<>();

    private void part(Runnable body) {
        add(Region.BOUNDARY, "--" + currentBoundary.get(currentBoundary.size() - 1));
        body.run();
    }

    // ---- damage ----

    private void mutateLines() {
        switch (random.nextInt(14)) {
            case 0 -> {
                done.add("dot-line");
                insertIn(r -> r == Region.TEXT, pick(new String[] {".", "..", ". ", ".\r"}));
            }
            case 1 -> {
                done.add("8bit-header");
                appendTo(r -> r == Region.HEADER, eightBitBytes());
            }
            case 2 -> {
                done.add("8bit-header-name");
                garbleName(eightBitBytes());
            }
            case 3 -> {
                done.add("8bit-part-header");
                if (!appendTo(r -> r == Region.PART_HEADER, eightBitBytes())) {
                    insertIn(r -> r == Region.PART_HEADER, "Content-Description: " + sentence(3));
                }
            }
            case 4 -> {
                done.add("8bit-preamble");
                insertAfterFirst(Region.SEPARATOR, Region.PREAMBLE, sentence(5) + " \u00c7a va");
            }
            case 5 -> {
                done.add("8bit-epilogue");
                addEpilogue(random.nextBoolean() ? "Gruß, " + sentence(3) : "--" + "=_b1_fake" + "\u00c7\u00e9");
            }
            case 6 -> {
                done.add("long-line");
                Region[] where = {Region.HEADER, Region.TEXT, Region.BASE64, Region.PREAMBLE, Region.EPILOGUE, Region.PART_HEADER};
                Region region = pick(where);
                String line = longLine(990 + random.nextInt(2011), random.nextBoolean());
                if (region == Region.HEADER || region == Region.PART_HEADER) {
                    line = pick(new String[] {"X-Long", "Subject", "References", "Content-Description"}) + ": " + line;
                }
                if (region == Region.BASE64) {
                    line = Base64.getEncoder().encodeToString(new byte[(990 + random.nextInt(2011)) * 3 / 4]);
                }
                if (!insertIn(r -> r == region, line)) {
                    insertIn(r -> r == Region.TEXT || r == Region.HEADER, line);
                }
            }
            case 7 -> {
                done.add("garbled-header-line");
                Region region = random.nextBoolean() ? Region.HEADER : Region.PART_HEADER;
                String line = pick(new String[] {"this line has no colon", "X Bad Name: value", " ", "\t", ": empty name",
                        " continuation with nothing before", "Subject : spaced", "X-\u00c4rger: 8-bit name"});
                if (!insertIn(r -> r == region, line)) {
                    insertIn(r -> r == Region.HEADER, line);
                }
            }
            case 8 -> {
                done.add("bad-base64");
                if (!insertIn(r -> r == Region.BASE64, pick(new String[] {"Gr\u00fc\u00dfe aus K\u00f6ln", "!!!not base64***", "===="}))) {
                    relabel("8bit", "base64");
                }
            }
            case 9 -> {
                done.add("mislabelled-encoding");
                relabel(pick(new String[] {"8bit", "7bit", "base64"}), pick(new String[] {"7bit", "8bits", "x-uuencode", "base64", "quoted-printable", "binary"}));
            }
            case 10 -> {
                done.add("no-separator");
                removeFirst(Region.SEPARATOR);
            }
            case 11 -> {
                done.add("mbox-from");
                lines.add(0, new Line(Region.HEADER, bytes("From shop@example.com Mon Nov 23 10:00:00 2026")));
            }
            case 12 -> {
                done.add("8bit-filename");
                insertIn(r -> r == Region.PART_HEADER, "Content-Disposition: attachment; filename=\"" + pick(FILES) + "\"");
            }
            default -> {
                done.add("no-header");
                lines.removeIf(line -> line.region() == Region.HEADER);
                removeFirst(Region.SEPARATOR);
                lines.add(0, new Line(Region.TEXT, bytes("Today's Topics:")));
            }
        }
    }

    private byte[] mutateBytes(byte[] raw) {
        int at = random.nextInt(raw.length + 1);
        byte[] insert;
        switch (random.nextInt(5)) {
            case 0 -> {
                done.add("stray-cr-lf");
                insert = bytes(pick(new String[] {"\r", "\n", "\r\r\n", "\n.\n", "\r\n.\r\n", "\n\r"}));
            }
            case 1 -> {
                done.add("nul");
                insert = new byte[] {0};
            }
            case 2 -> {
                done.add("8bit-bytes");
                insert = eightBitBytes().getBytes(StandardCharsets.UTF_8);
            }
            case 3 -> {
                done.add("cut");
                int to = Math.min(raw.length, at + random.nextInt(400));
                byte[] out = new byte[raw.length - (to - at)];
                System.arraycopy(raw, 0, out, 0, at);
                System.arraycopy(raw, to, out, at, raw.length - to);
                return out.length == 0 ? raw : out;
            }
            default -> {
                done.add("splice");
                MalformedMessages other = new MalformedMessages(random);
                other.message(true);
                byte[] donor = other.render(false);
                int from = random.nextInt(donor.length);
                insert = java.util.Arrays.copyOfRange(donor, from, Math.min(donor.length, from + random.nextInt(800)));
            }
        }
        byte[] out = new byte[raw.length + insert.length];
        System.arraycopy(raw, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(raw, at, out, at + insert.length, raw.length - at);
        return out;
    }

    private String eightBitBytes() {
        return pick(new String[] {" Gr\u00fc\u00dfe", " \u00c7a", " caf\u00e9", " \u65e5\u672c", " \u00ff\u00fe", " na\u00efve"});
    }

    private boolean insertIn(Predicate<Region> region, String text) {
        List<Integer> candidates = indexes(region);
        if (candidates.isEmpty()) {
            return false;
        }
        int at = candidates.get(random.nextInt(candidates.size()));
        lines.add(at + (random.nextBoolean() ? 1 : 0), new Line(lines.get(at).region(), bytes(text)));
        return true;
    }

    private boolean appendTo(Predicate<Region> region, String text) {
        List<Integer> candidates = indexes(region);
        if (candidates.isEmpty()) {
            return false;
        }
        int at = candidates.get(random.nextInt(candidates.size()));
        Line line = lines.get(at);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(line.bytes());
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        lines.set(at, new Line(line.region(), out.toByteArray()));
        return true;
    }

    private void garbleName(String eightBit) {
        List<Integer> candidates = indexes(r -> r == Region.HEADER || r == Region.PART_HEADER);
        if (candidates.isEmpty()) {
            return;
        }
        int at = candidates.get(random.nextInt(candidates.size()));
        Line line = lines.get(at);
        String text = new String(line.bytes(), StandardCharsets.UTF_8);
        int colon = Math.max(1, text.indexOf(':'));
        String garbled = text.substring(0, colon / 2) + eightBit.strip() + text.substring(colon / 2);
        lines.set(at, new Line(line.region(), garbled.getBytes(StandardCharsets.UTF_8)));
    }

    private void insertAfterFirst(Region after, Region region, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).region() == Region.PREAMBLE || (lines.get(i).region() == after && i + 1 < lines.size()
                    && lines.get(i + 1).region() == Region.BOUNDARY)) {
                lines.add(i + 1, new Line(region, bytes(text)));
                return;
            }
        }
        insertIn(r -> r == Region.TEXT, text);
    }

    private void addEpilogue(String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).region() == Region.BOUNDARY) {
                lines.add(i + 1, new Line(Region.EPILOGUE, bytes(text)));
                return;
            }
        }
        lines.add(new Line(Region.TEXT, bytes(text)));
    }

    private void relabel(String from, String to) {
        for (int i = 0; i < lines.size(); i++) {
            String text = new String(lines.get(i).bytes(), StandardCharsets.ISO_8859_1);
            if (text.equalsIgnoreCase("Content-Transfer-Encoding: " + from)) {
                lines.set(i, new Line(lines.get(i).region(), bytes("Content-Transfer-Encoding: " + to)));
                return;
            }
        }
    }

    private void removeFirst(Region region) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).region() == region) {
                lines.remove(i);
                return;
            }
        }
    }

    private List<Integer> indexes(Predicate<Region> region) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (region.test(lines.get(i).region())) {
                out.add(i);
            }
        }
        return out;
    }

    // ---- text ----

    private void add(Region region, String text) {
        lines.add(new Line(region, bytes(text)));
    }

    /** Text as UTF-8 bytes (a generated line is what a UTF-8 writer would put on disk). */
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private String sentence(int words) {
        StringJoiner joiner = new StringJoiner(" ");
        for (int i = 0; i < words; i++) {
            joiner.add(pick(WORDS));
        }
        return joiner.toString();
    }

    private String longLine(int length, boolean withSpaces) {
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            b.append(withSpaces ? pick(WORDS) + " " : "x" + random.nextInt(10));
        }
        return b.substring(0, length);
    }

    private static String qp(String text) {
        StringBuilder b = new StringBuilder();
        for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            b.append(c >= 33 && c <= 126 && c != '=' || c == ' ' ? String.valueOf((char) c) : String.format("=%02X", c));
        }
        return b.toString();
    }

    private static String quoteIfNeeded(String name) {
        return name.contains("'") ? "\"" + name + "\"" : name;
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private byte[] render(boolean bareLf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Line line : lines) {
            out.writeBytes(line.bytes());
            out.writeBytes(bareLf ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        }
        if (bareLf) {
            done.add("bare-lf");
        }
        return out.toByteArray();
    }

    /** Writes COUNT malformed samples for SEED to DIR/NNNNN.eml, one description per line in DIR/index.txt. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: MalformedMessages SEED COUNT DIR");
            System.exit(2);
        }
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        Path dir = Files.createDirectories(Path.of(args[2]));
        List<String> index = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Sample sample = malformed(new Random(seed + i));
            String name = String.format("%05d.eml", i);
            Files.write(dir.resolve(name), sample.raw());
            index.add(name + " seed=" + (seed + i) + " " + sample.description());
        }
        Files.write(dir.resolve("index.txt"), index, Charset.defaultCharset());
    }
}
