package com.mailroute.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.mailroute.ingress.MessageShape;
import com.mailroute.message.RejectedException;
import com.mailroute.sanitize.MalformedMessages;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.sanitize.SanitizedMessage;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.PreparedMessage;
import com.mailroute.smtp.ServerCapabilities;
import com.mailroute.spool.MessageBytes;
import com.mailroute.testsupport.SeededCases;
import com.mailroute.testsupport.Spools;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The way in and the way out over damaged real-world-like mail (seeded, see {@link SeededCases}): what the door
 * accepts comes out of the sanitizer wire-clean and is made 7-bit for a next hop without 8BITMIME, or it is refused
 * at the door with a reason; a well-formed 8-bit message keeps its decoded content through both.
 */
class MalformedMailPropertiesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    /** A strict next hop: neither 8BITMIME nor SMTPUTF8. */
    private static final ServerCapabilities STRICT = new ServerCapabilities(Set.of("SIZE", "PIPELINING"), 0, false, false, false, true);

    private final MessageShape shape = new MessageShape();
    private final MessageSanitizer sanitizer = new MessageSanitizer("relay.example", CLOCK, Spools.standard());
    private final SevenBitConverter converter = BothWays.converter(false);

    @TestFactory
    Stream<DynamicTest> everyAcceptedMessageBecomesWireCleanAnd7BitOrIsRefusedAtTheDoorWithAReason() {
        return SeededCases.of(3000, random -> {
            MalformedMessages.Sample sample = MalformedMessages.malformed(random);
            SanitizedMessage clean;
            try {
                shape.check(MessageBytes.of(sample.raw()), 35L << 20);
                clean = sanitizer.sanitize(MessageBytes.of(sample.raw()), "http", "T1");
            } catch (RejectedException refused) {
                assertThat(refused.getMessage()).as("reason").isNotBlank();
                return;
            }
            assertWireClean(clean.bytes().toByteArray(), sample);
            try {
                BothWays.convert(converter, clean.bytes().toByteArray());   // the spooled conversion must give the same bytes or the same refusal
            } catch (Exception refusedTheSameBothWays) {
                // the adapter below says whether this refusal is allowed
            }
            PreparedMessage prepared;
            try {
                prepared = new CapabilityAdapter(clean.bytes(), "shop@example.com", List.of("dylan@example.org"), converter, "strict.test")
                        .prepare(STRICT);
            } catch (PolicyRejection rejection) {
                // Only a non-ASCII local part truly cannot be made 7-bit (it needs SMTPUTF8).
                assertThat(rejection.enhancedStatus()).as(rejection.getMessage() + "\n" + sample).isEqualTo("5.6.7");
                return;
            }
            assertWireClean(prepared.bytes().toByteArray(), sample);
            assertSevenBit(prepared.bytes().toByteArray(), sample);
            assertThat(prepared.bodyEightBitMime()).isFalse();
        });
    }

    @TestFactory
    Stream<DynamicTest> wellFormedEightBitMessagesKeepTheirDecodedContentThroughSanitizerAndConversion() {
        return SeededCases.of(1000, random -> {
            MalformedMessages.Sample sample = MalformedMessages.wellFormed(random);
            byte[] clean = sanitizer.sanitize(MessageBytes.of(sample.raw()), "http", "T1").bytes().toByteArray();
            assertThat(clean).as("a well-formed message passes the sanitizer unchanged").endsWith(sample.raw());

            byte[] converted = BothWays.convert(converter, clean).bytes().toByteArray();

            assertSevenBit(converted, sample);
            assertThat(DecodedTree.of(converted)).as(sample.toString()).isEqualTo(DecodedTree.of(sample.raw()));
            assertThat(DecodedTree.subject(DecodedTree.parse(converted))).isEqualTo(DecodedTree.subject(DecodedTree.parse(sample.raw())));
        });
    }

    private static void assertWireClean(byte[] bytes, MalformedMessages.Sample sample) {
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == 0) {
                fail("NUL at offset " + i + " in\n" + sample);
            }
            if (b == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
                fail("bare CR at offset " + i + " in\n" + sample);
            }
            if (b == '\n') {
                if (i == 0 || bytes[i - 1] != '\r') {
                    fail("bare LF at offset " + i + " in\n" + sample);
                }
                if (i - 1 - lineStart > 998) {
                    fail("line of " + (i - 1 - lineStart) + " octets at offset " + lineStart + " in\n" + sample);
                }
                lineStart = i + 1;
            }
        }
        if (lineStart != bytes.length) {
            fail("last line does not end with CRLF in\n" + sample);
        }
    }

    private static void assertSevenBit(byte[] bytes, MalformedMessages.Sample sample) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                int from = Math.max(0, i - 120);
                fail(String.format("8-bit byte 0x%02X at offset %d: ...%s\nconverted from\n%s", bytes[i] & 0xff, i,
                        new String(bytes, from, Math.min(bytes.length, i + 40) - from, java.nio.charset.StandardCharsets.ISO_8859_1), sample));
            }
        }
    }
}
