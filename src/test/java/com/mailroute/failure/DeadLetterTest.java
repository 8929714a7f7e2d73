package com.mailroute.failure;

import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.queue.DeliveryJob;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final Instant ACCEPTED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant FIRST = Instant.parse("2026-03-01T10:00:01Z");
    private static final Instant LAST = Instant.parse("2026-03-01T10:35:01Z");
    private static final MessageBytes MESSAGE = MessageBytes.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    private static final String REPLY = "550-5.1.1 <bob@example.org>: Recipient address rejected:\r\n"
            + "550-5.1.1 User unknown in virtual mailbox table\r\n550 5.1.1 see https://example.org/bounce";

    private static DeadLetter deadLetter() {
        DeliveryJob job = new DeliveryJob("19C8A1B2C3D4E5F6", "19C8A1B2C3D4E5F6.1", "alice@example.com",
                List.of("bob@example.org", "carol@example.org"), "example.org", ACCEPTED, "http", 0, null, "", false, 0, MESSAGE)
                .afterAttempt(FIRST).afterAttempt(LAST);
        return new DeadLetter("dl-7", job, 550, "5.1.1", REPLY, "mx.example.org [192.0.2.25]", "rcpt", LAST,
                "permanent failure at rcpt: 550 5.1.1 <bob@example.org>: Recipient address rejected");
    }

    @Test
    void propertiesShouldAddTheEvidenceToTheJobProperties() {
        Map<String, Object> p = deadLetter().properties();

        assertThat(p).containsAllEntriesOf(deadLetter().job().properties());
        assertThat(p).containsEntry("DeadLetterId", "dl-7")
                .containsEntry("ReplyCode", 550)
                .containsEntry("EnhancedStatus", "5.1.1")
                .containsEntry("Reply", REPLY)
                .containsEntry("RemoteHost", "mx.example.org [192.0.2.25]")
                .containsEntry("Stage", "rcpt")
                .containsEntry("LastAttempt", LAST.toEpochMilli());
        assertThat(p.keySet()).allMatch(k -> k.matches("[A-Za-z][A-Za-z0-9]*"));
    }

    @Test
    void fromPropertiesShouldRebuildTheDeadLetter() {
        DeadLetter original = deadLetter();

        DeadLetter copy = DeadLetter.fromProperties(new HashMap<>(original.properties()), MESSAGE);

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.reply()).isEqualTo(REPLY);
        assertThat(copy.recipients()).containsExactly("bob@example.org", "carol@example.org");
        assertThat(copy.job().attempts()).isEqualTo(2);
        assertThat(copy.job().message()).isSameAs(MESSAGE);
    }

    @Test
    void fromPropertiesShouldReadNumbersGivenAsText() {
        Map<String, Object> p = new HashMap<>(deadLetter().properties());
        p.put("ReplyCode", "550");
        p.put("LastAttempt", Long.toString(LAST.toEpochMilli()));

        DeadLetter copy = DeadLetter.fromProperties(p, MESSAGE);

        assertThat(copy.replyCode()).isEqualTo(550);
        assertThat(copy.lastAttempt()).isEqualTo(LAST);
    }

    @Test
    void toJsonShouldHaveExactlyTheDesignFieldsPlusQueueIdAndAccepted() {
        Map<String, Object> j = deadLetter().toJson();

        assertThat(j.keySet()).containsExactlyInAnyOrder("id", "sender", "recipients", "domain", "replyCode", "enhancedStatus",
                "reply", "remoteHost", "stage", "attempts", "firstAttempt", "lastAttempt", "reason", "queueId", "accepted");
        assertThat(j).containsEntry("id", "dl-7")
                .containsEntry("queueId", "19C8A1B2C3D4E5F6")
                .containsEntry("sender", "alice@example.com")
                .containsEntry("recipients", List.of("bob@example.org", "carol@example.org"))
                .containsEntry("domain", "example.org")
                .containsEntry("replyCode", 550)
                .containsEntry("enhancedStatus", "5.1.1")
                .containsEntry("remoteHost", "mx.example.org [192.0.2.25]")
                .containsEntry("stage", "rcpt")
                .containsEntry("attempts", 2)
                .containsEntry("firstAttempt", "2026-03-01T10:00:01Z")
                .containsEntry("lastAttempt", "2026-03-01T10:35:01Z")
                .containsEntry("accepted", "2026-03-01T10:00:00Z")
                .containsEntry("reason", "permanent failure at rcpt: 550 5.1.1 <bob@example.org>: Recipient address rejected");
    }

    @Test
    void toJsonShouldKeepAMultiLineReplyVerbatimThroughJackson() throws Exception {
        String json = new ObjectMapper().writeValueAsString(deadLetter().toJson());

        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.get("reply").asText()).isEqualTo(REPLY);
        assertThat(node.get("recipients").isArray()).isTrue();
        assertThat(node.get("replyCode").isInt()).isTrue();
    }

    @Test
    void toJsonShouldGiveNullFirstAttemptForAJobNeverAttempted() {
        DeadLetter d = deadLetter();
        DeadLetter expired = new DeadLetter("dl-8", d.job().fresh(ACCEPTED), 0, "4.4.7", "", "", "", LAST, "gave up");

        assertThat(expired.toJson()).containsEntry("firstAttempt", null).containsEntry("attempts", 0).containsEntry("reply", "");
    }
}
