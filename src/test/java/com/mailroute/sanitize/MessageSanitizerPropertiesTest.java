package com.mailroute.sanitize;

import static com.mailroute.sanitize.MessageSanitizerTest.assertWireClean;
import static org.assertj.core.api.Assertions.assertThat;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.MessageBytes;
import com.mailroute.testsupport.Spools;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import com.mailroute.testsupport.SeededCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Seeded properties of the sanitizer (2000 generated cases each; see {@link SeededCases} to replay one). */
class MessageSanitizerPropertiesTest {
    private static final byte[] MUTATION_BYTES = {'\r', '\n', '\0', '.', ':', ' ', '-', 'a', (byte) 0xFF};

    private final MessageSanitizer sanitizer = new MessageSanitizer("relay.example", MessageSanitizerTest.CLOCK, Spools.standard());

    @TestFactory
    Stream<DynamicTest> generatedMessagesComeOutWireCleanWithTheSameDecodedContent() {
        return SeededCases.of(2000, random -> generatedMessageComesOutWireCleanWithTheSameDecodedContent(GeneratedMessage.generate(random)));
    }

    private void generatedMessageComesOutWireCleanWithTheSameDecodedContent(GeneratedMessage message) throws Exception {
        SanitizedMessage result = sanitizer.sanitize(MessageBytes.of(message.raw), "pickup", "P1");

        assertWireClean(result.bytes().toByteArray());
        MimeMessage parsed = MessageSanitizerTest.parse(result.bytes().toByteArray());
        if (message.multipart) {
            MimeMultipart multipart = (MimeMultipart) parsed.getContent();
            assertThat(multipart.getCount()).isEqualTo(message.expectedParts.size());
            for (int i = 0; i < multipart.getCount(); i++) {
                assertThat(multipart.getBodyPart(i).getInputStream().readAllBytes())
                        .as("part %d", i).isEqualTo(message.expectedParts.get(i));
            }
        } else {
            assertThat(parsed.getInputStream().readAllBytes()).isEqualTo(message.expectedParts.get(0));
        }
        for (Map.Entry<String, String> header : message.keptHeaders.entrySet()) {
            assertThat(parsed.getHeader(header.getKey(), null).replace("\r\n", "")).isEqualTo(header.getValue());
        }
        assertThat(parsed.getHeader("Bcc")).isNull();
        assertThat(parsed.getHeader("Date")).hasSize(1);
        assertThat(parsed.getHeader("Message-ID")).hasSize(1);
    }

    @TestFactory
    Stream<DynamicTest> mutatedMessagesAreRefusedOrComeOutWireClean() {
        return SeededCases.of(2000, random -> mutatedMessageIsRefusedOrComesOutWireClean(mutate(GeneratedMessage.generate(random).raw, random)));
    }

    private void mutatedMessageIsRefusedOrComesOutWireClean(byte[] raw) {
        SanitizedMessage result;
        try {
            result = sanitizer.sanitize(MessageBytes.of(raw), "jms", "M1");
        } catch (RejectedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertWireClean(result.bytes().toByteArray());
        assertThat(new String(result.bytes().toByteArray(), 0, 10)).isEqualTo("Received: ");
    }

    private static byte[] mutate(byte[] raw, Random random) {
        byte[] bytes = raw;
        int mutations = 1 + random.nextInt(6);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(bytes.length + 1);
            switch (random.nextInt(3)) {
                case 0 -> { // insert a troublesome byte
                    byte[] out = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, out, 0, at);
                    out[at] = MUTATION_BYTES[random.nextInt(MUTATION_BYTES.length)];
                    System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                    bytes = out;
                }
                case 1 -> { // delete a byte
                    if (at < bytes.length) {
                        byte[] out = new byte[bytes.length - 1];
                        System.arraycopy(bytes, 0, out, 0, at);
                        System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
                        bytes = out;
                    }
                }
                default -> { // overwrite with a troublesome byte
                    if (at < bytes.length) {
                        bytes = Arrays.copyOf(bytes, bytes.length);
                        bytes[at] = MUTATION_BYTES[random.nextInt(MUTATION_BYTES.length)];
                    }
                }
            }
        }
        return bytes;
    }
}
