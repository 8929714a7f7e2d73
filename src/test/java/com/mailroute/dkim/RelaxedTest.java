package com.mailroute.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class RelaxedTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String header(String field) {
        byte[] m = b(field);
        return new String(Relaxed.header(m, 0, m.length), StandardCharsets.ISO_8859_1);
    }

    /** The body's canonical form, captured through a digest that records what it is fed. */
    private static String body(String body) {
        Recording r = new Recording();
        byte[] m = b(body);
        Relaxed.body(m, 0, m.length, r);
        return r.text.toString();
    }

    @Test
    void rfc6376Example345HeadersShouldCanonicalizeAsPublished() {
        // RFC 6376 3.4.5: "A: X", "B : Y<HTAB>" folded with "<HTAB>Z<SP><SP>" → "a:X", "b:Y Z"
        assertThat(header("A: X\r\n")).isEqualTo("a:X\r\n");
        assertThat(header("B : Y\t\r\n\tZ  \r\n")).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void rfc6376Example345BodyShouldCanonicalizeAsPublished() {
        assertThat(body(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void headerShouldKeepTheValuesCaseAndEightBitBytesAndDropEdgeWhitespace() {
        assertThat(header("Subject:\t  Grüße \t an\r\n  alle  \r\n")).isEqualTo("subject:Grüße an alle\r\n");
        assertThat(header("X-Empty:   \r\n")).isEqualTo("x-empty:\r\n");
        assertThat(header("Message-ID: <A@B>")).as("without final CRLF").isEqualTo("message-id:<A@B>\r\n");
    }

    @Test
    void emptyBodyAndBodyOfOnlyBlankLinesShouldCanonicalizeToNothing() throws Exception {
        assertThat(body("")).isEmpty();
        assertThat(body("\r\n\r\n \t \r\n")).isEmpty();
        // The empty body's hash as other implementations publish it (SHA-256 of nothing).
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        Relaxed.body(new byte[0], 0, 0, d);
        assertThat(Base64.getEncoder().encodeToString(d.digest())).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    @Test
    void bodyWithoutFinalLineBreakShouldGetOne() {
        assertThat(body("last line  ")).isEqualTo("last line\r\n");
        assertThat(body("a\r\n\r\nb")).isEqualTo("a\r\n\r\nb\r\n");
    }

    @Test
    void blankLinesInsideTheBodyShouldStayAndWhitespaceOnlyLinesBecomeEmpty() {
        assertThat(body("a\r\n  \r\n\r\nb\r\n \r\n")).isEqualTo("a\r\n\r\n\r\nb\r\n");
    }

    @Test
    void bodyShouldLeaveEightBitBytesAndLoneCrOrLfAlone() {
        assertThat(body("Gr\u00fc\u00dfe\u00a0 \r\n")).isEqualTo("Gr\u00fc\u00dfe\u00a0\r\n");
    }

    @Test
    void bodyLongerThanTheBufferShouldCanonicalizeCompletely() {
        String line = "x".repeat(100) + "   y\t\r\n";
        String expected = ("x".repeat(100) + " y\r\n").repeat(500);
        assertThat(body(line.repeat(500) + "\r\n\r\n")).isEqualTo(expected);
    }

    /** A MessageDigest that keeps what it is fed. */
    private static final class Recording extends MessageDigest {
        final StringBuilder text = new StringBuilder();

        Recording() {
            super("recording");
        }

        @Override
        protected void engineUpdate(byte input) {
            text.append((char) (input & 0xff));
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            text.append(new String(input, offset, len, StandardCharsets.ISO_8859_1));
        }

        @Override
        protected byte[] engineDigest() {
            return new byte[0];
        }

        @Override
        protected void engineReset() {
            text.setLength(0);
        }
    }
}
