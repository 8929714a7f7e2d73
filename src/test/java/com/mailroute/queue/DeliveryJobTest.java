package com.mailroute.queue;

import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeliveryJobTest {

    private static final Instant ACCEPTED = Instant.parse("2026-03-01T10:00:00.123Z");
    private static final MessageBytes MESSAGE = MessageBytes.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));

    private static DeliveryJob job() {
        return new DeliveryJob("19C8A1B2C3D4E5F6", "19C8A1B2C3D4E5F6.2", "alice@example.com",
                List.of("bob@example.org", "carol@example.org"), "example.org", ACCEPTED, "http", 0, null,
                "bcc-removed=1", false, 0, MESSAGE);
    }

    @Test
    void propertiesShouldUseTheJmsPropertyNamesOtherPartsRelyOn() {
        Map<String, Object> p = job().afterAttempt(ACCEPTED.plusSeconds(60)).properties();

        assertThat(p).containsExactly(
                Map.entry("MailRouteId", "19C8A1B2C3D4E5F6"),
                Map.entry("MailRouteJobId", "19C8A1B2C3D4E5F6.2"),
                Map.entry("MailFrom", "alice@example.com"),
                Map.entry("RcptTo", "bob@example.org,carol@example.org"),
                Map.entry("Domain", "example.org"),
                Map.entry("AcceptedAt", ACCEPTED.toEpochMilli()),
                Map.entry("WayIn", "http"),
                Map.entry("Attempts", 1),
                Map.entry("FirstAttempt", ACCEPTED.plusSeconds(60).toEpochMilli()),
                Map.entry("SanitizeReport", "bcc-removed=1"),
                Map.entry("DelayWarned", false));
        assertThat(p.keySet()).allMatch(k -> k.matches("[A-Za-z][A-Za-z0-9]*"));
    }

    @Test
    void propertiesShouldLeaveOutAFirstAttemptNotYetMade() {
        assertThat(job().properties()).doesNotContainKey("FirstAttempt");
    }

    @Test
    void fromHeadersShouldRebuildTheJobFromItsProperties() {
        DeliveryJob original = job().afterAttempt(ACCEPTED.plusSeconds(300)).afterAttempt(ACCEPTED.plusSeconds(900)).delayWarningSent();

        DeliveryJob copy = DeliveryJob.fromHeaders(new HashMap<>(original.properties()), MESSAGE);

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.attempts()).isEqualTo(2);
        assertThat(copy.firstAttempt()).isEqualTo(ACCEPTED.plusSeconds(300));
        assertThat(copy.delayWarned()).isTrue();
        assertThat(copy.acceptedAt()).isEqualTo(ACCEPTED);
    }

    @Test
    void fromHeadersShouldReadAFreshJobWithoutFirstAttempt() {
        DeliveryJob copy = DeliveryJob.fromHeaders(new HashMap<>(job().properties()), MESSAGE);

        assertThat(copy).usingRecursiveComparison().isEqualTo(job());
        assertThat(copy.firstAttempt()).isNull();
    }

    @Test
    void fromHeadersShouldReadTheNullSenderAndNumbersGivenAsText() {
        Map<String, Object> h = new HashMap<>(job().properties());
        h.put("MailFrom", "");
        h.put("AcceptedAt", Long.toString(ACCEPTED.toEpochMilli()));
        h.put("Attempts", "3");
        h.put("DelayWarned", "true");

        DeliveryJob copy = DeliveryJob.fromHeaders(h, MESSAGE);

        assertThat(copy.sender()).isEmpty();
        assertThat(copy.acceptedAt()).isEqualTo(ACCEPTED);
        assertThat(copy.attempts()).isEqualTo(3);
        assertThat(copy.delayWarned()).isTrue();
    }

    @Test
    void fromHeadersShouldGiveNoRecipientsForAnEmptyRcptTo() {
        Map<String, Object> h = new HashMap<>(job().properties());
        h.put("RcptTo", "");

        assertThat(DeliveryJob.fromHeaders(h, MESSAGE).recipients()).isEmpty();
    }

    @Test
    void withRecipientsShouldKeepEverythingButTheRecipients() {
        DeliveryJob attempted = job().afterAttempt(ACCEPTED.plusSeconds(60));

        DeliveryJob remaining = attempted.withRecipients(List.of("carol@example.org"));

        assertThat(remaining.recipients()).containsExactly("carol@example.org");
        assertThat(remaining).usingRecursiveComparison().ignoringFields("recipients").isEqualTo(attempted);
    }

    @Test
    void afterAttemptShouldCountTheAttemptAndKeepTheFirstAttemptTime() {
        Instant first = ACCEPTED.plusSeconds(1);
        Instant second = ACCEPTED.plusSeconds(301);

        DeliveryJob once = job().afterAttempt(first);
        DeliveryJob twice = once.afterAttempt(second);

        assertThat(once.attempts()).isEqualTo(1);
        assertThat(once.firstAttempt()).isEqualTo(first);
        assertThat(twice.attempts()).isEqualTo(2);
        assertThat(twice.firstAttempt()).isEqualTo(first);
        assertThat(twice).usingRecursiveComparison().ignoringFields("attempts", "firstAttempt").isEqualTo(job());
    }

    @Test
    void freshShouldRestartAttemptsLifetimeAndDelayWarning() {
        Instant retryAt = ACCEPTED.plusSeconds(86_400 * 6);
        DeliveryJob dead = job().afterAttempt(ACCEPTED.plusSeconds(1)).afterAttempt(ACCEPTED.plusSeconds(600)).delayWarningSent();

        DeliveryJob fresh = dead.fresh(retryAt);

        assertThat(fresh.attempts()).isZero();
        assertThat(fresh.firstAttempt()).isNull();
        assertThat(fresh.acceptedAt()).isEqualTo(retryAt);
        assertThat(fresh.delayWarned()).isFalse();
        assertThat(fresh.queueId()).isEqualTo(dead.queueId());
        assertThat(fresh.jobId()).isEqualTo(dead.jobId());
        assertThat(fresh.recipients()).isEqualTo(dead.recipients());
        assertThat(fresh.sender()).isEqualTo(dead.sender());
        assertThat(fresh.message()).isSameAs(MESSAGE);
    }
}
