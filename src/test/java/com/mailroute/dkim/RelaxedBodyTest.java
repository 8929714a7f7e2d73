package com.mailroute.dkim;

import java.security.MessageDigest;
import java.util.Random;
import java.util.stream.Stream;

import com.mailroute.testsupport.SeededCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming relaxed body canonicalizer gives the array version's digest however the body is cut into writes. */
class RelaxedBodyTest {

    @TestFactory
    Stream<DynamicTest> streamedBodyShouldHashLikeTheArrayVersionForAnyCutIntoWrites() {
        return SeededCases.of(2000, random -> {
            byte[] body = body(random);
            assertThat(streamed(body, random)).as("body %s", printable(body)).isEqualTo(array(body));
        });
    }

    @Test
    void edgeCasesShouldHashLikeTheArrayVersion() {
        for (String s : new String[] {"", "\r\n", "\r\n\r\n", "a", "a\r", "\r", " \t ", "a \r\n\r\n \r\n", "x\r\r\n", "\n\n", " a  b \t\r\n\r\nc\r\n\r\n"}) {
            byte[] body = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(streamed(body, new Random(1))).as(printable(body)).isEqualTo(array(body));
        }
    }

    private static byte[] body(Random random) {
        byte[] alphabet = {'\r', '\n', ' ', '\t', 'a', 'b', '.', (byte) 0xC3, (byte) 0xA4};
        byte[] b = new byte[random.nextInt(200)];
        for (int i = 0; i < b.length; i++) {
            b[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return b;
    }

    private static byte[] array(byte[] body) {
        MessageDigest d = DkimSigner.sha256();
        Relaxed.body(body, 0, body.length, d);
        return d.digest();
    }

    private static byte[] streamed(byte[] body, Random random) {
        MessageDigest d = DkimSigner.sha256();
        RelaxedBody out = new RelaxedBody(d);
        int i = 0;
        while (i < body.length) {
            int n = Math.min(body.length - i, 1 + random.nextInt(7));
            if (n == 1 && random.nextBoolean()) {
                out.write(body[i]);
            } else {
                out.write(body, i, n);
            }
            i += n;
        }
        out.finish();
        return d.digest();
    }

    private static String printable(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }
}
