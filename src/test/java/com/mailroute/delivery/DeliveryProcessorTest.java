package com.mailroute.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;

import com.mailroute.failure.DsnBuilder;
import com.mailroute.failure.RetrySchedule;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.routing.NextHop;
import com.mailroute.routing.ResolutionException;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.smtp.HopResult;
import com.mailroute.smtp.HostFailure;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.RecipientResult;
import com.mailroute.smtp.SmtpReply;
import com.mailroute.smtp.SmtpStage;
import com.mailroute.spool.MessageBytes;
import com.mailroute.spool.Spool;
import com.mailroute.testsupport.Spools;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MX loop and the settling of one attempt, with fakes for DNS and the hosts (in the manner of Apache James's
 * MailDelivrerTest): each test says what each host answers, runs begin/send/settle on an exchange, and checks what the
 * route would write in the delivery transaction — the jobs {@code rescheduled}, the {@code deadLetters} and the
 * {@code notices} (DSNs to the sender), each a Camel message whose headers become JMS properties.
 */
class DeliveryProcessorTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String DOMAIN = "example.org";
    private static final String SENDER = "shop@sender.test";
    private static final byte[] MESSAGE = "From: shop@sender.test\r\nSubject: order 7\r\n\r\nYour order\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final NextHop MX1 = hop("mx1.example.org", 1, "mx 10");
    private static final NextHop MX2 = hop("mx2.example.org", 2, "mx 20");
    private static final SmtpReply QUEUED = SmtpReply.parse("250 2.0.0 Ok: queued as 4F1A2B");

    @TempDir
    Path spoolDir;

    private final DefaultCamelContext camel = new DefaultCamelContext();
    /** The fake DNS: the next hops of DOMAIN, or the failure to resolve them. */
    private List<NextHop> hops = List.of(MX1, MX2);
    private ResolutionException dnsFailure;
    /** The fake hosts: what each answers, by host name. A host not listed here must not be tried. */
    private final Map<String, BiFunction<NextHop, DeliveryJob, HopResult>> hosts = new HashMap<>();
    private final List<String> tried = new ArrayList<>();
    private final RecordingEvents events = new RecordingEvents();
    private Duration maxLifetime = Duration.ofDays(5);
    private Duration delayWarning = Duration.ZERO;

    // ---- the MX loop

    @Test
    void sendShouldTryTheNextHostWhenTheFirstRefusesTheConnection() {
        hosts.put(MX1.host(), refusesTheConnection());
        hosts.put(MX2.host(), accepts());

        Exchange e = attempt(job(List.of("ann@example.org", "bob@example.org")));

        assertThat(tried).containsExactly(MX1.host(), MX2.host());
        assertNothingWritten(e);
        assertThat(events.delivered).isEqualTo(2);
    }

    @Test
    void sendShouldStopAtTheFirstHostThatTakesTheTransaction() {
        hosts.put(MX1.host(), accepts());

        Exchange e = attempt(job(List.of("ann@example.org")));

        assertThat(tried).containsExactly(MX1.host());
        assertNothingWritten(e);
        assertThat(events.delivered).isEqualTo(1);
    }

    @Test
    void sendShouldTryTheNextHostWhenTheFirstRefusesItsGreetingWithA5xx() {
        // Postfix semantics: a 5xx before MAIL FROM is that host's problem, not the domain's verdict.
        hosts.put(MX1.host(), failsBeforeMailFrom(SmtpStage.GREETING, "554 5.3.2 mx1 is misconfigured"));
        hosts.put(MX2.host(), accepts());

        Exchange e = attempt(job(List.of("ann@example.org")));

        assertThat(tried).containsExactly(MX1.host(), MX2.host());
        assertNothingWritten(e);
        assertThat(events.delivered).isEqualTo(1);
    }

    @Test
    void sendShouldTakeARefusalAfterMailFromAsTheVerdictWithoutTryingTheNextHost() {
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown")));

        Exchange e = attempt(job(List.of("bob@example.org")));

        assertThat(tried).containsExactly(MX1.host());
        assertThat(rescheduled(e)).isEmpty();
        Message dead = single(deadLetters(e));
        assertThat(dead.getHeader("ReplyCode")).isEqualTo(550);
        assertThat(dead.getHeader("EnhancedStatus")).isEqualTo("5.1.1");
        assertThat(dead.getHeader("Reply")).isEqualTo("550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown");
        assertThat(dead.getHeader("RemoteHost")).isEqualTo("mx1.example.org [192.0.2.1]");
        assertThat(dead.getHeader("Stage")).isEqualTo("rcpt");
    }

    @Test
    void sendShouldRescheduleEveryRecipientWhenNoHostCanBeUsed() {
        hosts.put(MX1.host(), refusesTheConnection());
        hosts.put(MX2.host(), failsBeforeMailFrom(SmtpStage.GREETING, "421 4.3.2 mx2 busy, try later"));

        Exchange e = attempt(job(List.of("ann@example.org", "bob@example.org")));

        assertThat(tried).containsExactly(MX1.host(), MX2.host());
        Message retry = single(rescheduled(e));
        assertThat(retry.getHeader(DeliveryJob.RCPT_TO)).isEqualTo("ann@example.org,bob@example.org");
        assertThat(retry.getHeader(DeliveryJob.ATTEMPTS)).isEqualTo(1);
        assertThat(retry.getHeader("_AMQ_SCHED_DELIVERY")).isEqualTo(NOW.plus(Duration.ofMinutes(5)).toEpochMilli());
        assertThat(retry.getBody(byte[].class)).isEqualTo(MESSAGE);
        assertThat(deadLetters(e)).isEmpty();
        assertThat(notices(e)).isEmpty();
        assertThat(events.deferred).isEqualTo(2);
    }

    @Test
    void aFiveHundredFromEveryHostShouldBeADeadLetterWithTheLastHostsReply() {
        // Only when no host is left does a 5xx before MAIL FROM decide: the last host's reply is the evidence.
        hosts.put(MX1.host(), failsBeforeMailFrom(SmtpStage.GREETING, "554 5.3.2 mx1 is misconfigured"));
        hosts.put(MX2.host(), failsBeforeMailFrom(SmtpStage.EHLO, "550 5.7.1 mx2 does not talk to you"));

        Exchange e = attempt(job(List.of("ann@example.org")));

        assertThat(tried).containsExactly(MX1.host(), MX2.host());
        assertThat(rescheduled(e)).isEmpty();
        Message dead = single(deadLetters(e));
        assertThat(dead.getHeader("ReplyCode")).isEqualTo(550);
        assertThat(dead.getHeader("Reply")).isEqualTo("550 5.7.1 mx2 does not talk to you");
        assertThat(dead.getHeader("RemoteHost")).isEqualTo("mx2.example.org [192.0.2.2]");
        assertThat(dead.getHeader("Stage")).isEqualTo("ehlo");
        assertThat(dead.getHeader("EnhancedStatus")).isEqualTo("5.7.1");
    }

    // ---- settling

    @Test
    void settleShouldRescheduleOnlyTheRecipientsThatFailedTemporarily() {
        hosts.put(MX1.host(), refusesAtRcpt(Map.of(
                "bob@example.org", "450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted",
                "cy@example.org", "451 4.3.0 try again later")));

        Exchange e = attempt(job(List.of("ann@example.org", "bob@example.org", "cy@example.org", "dee@example.org")));

        Message retry = single(rescheduled(e));
        assertThat(retry.getHeader(DeliveryJob.RCPT_TO)).isEqualTo("bob@example.org,cy@example.org");
        assertThat(retry.getHeader(DeliveryJob.QUEUE_ID)).isEqualTo("Q1");
        assertThat(retry.getHeader(DeliveryJob.ATTEMPTS)).isEqualTo(1);
        assertThat(retry.getHeader(DeliveryJob.FIRST_ATTEMPT)).isEqualTo(NOW.toEpochMilli());
        assertThat(retry.getHeader(DeliveryJob.DELAY_WARNED)).isEqualTo(false);
        assertThat(retry.getHeader("_AMQ_SCHED_DELIVERY")).isEqualTo(NOW.plus(Duration.ofMinutes(5)).toEpochMilli());
        assertThat(deadLetters(e)).isEmpty();
        assertThat(notices(e)).isEmpty();
        assertThat(events.delivered).isEqualTo(2);
        assertThat(events.deferred).isEqualTo(2);
    }

    @Test
    void settleShouldFollowTheRetryScheduleForTheAttemptJustMade() {
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", "451 4.3.0 try again later")));

        Exchange e = attempt(job(List.of("bob@example.org"), NOW.minus(Duration.ofHours(1)), 2, false));

        Message retry = single(rescheduled(e));
        assertThat(retry.getHeader(DeliveryJob.ATTEMPTS)).isEqualTo(3);
        assertThat(retry.getHeader("_AMQ_SCHED_DELIVERY")).isEqualTo(NOW.plus(Duration.ofMinutes(20)).toEpochMilli());
    }

    @Test
    void aPartialDeliveryShouldDeadLetterOnlyTheRefusedRecipientAndTellTheSenderAboutIt() {
        String unknown = "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown";
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", unknown)));

        Exchange e = attempt(job(List.of("ann@example.org", "bob@example.org", "cy@example.org")));

        assertThat(rescheduled(e)).isEmpty();
        Message dead = single(deadLetters(e));
        assertThat(dead.getHeader(DeliveryJob.RCPT_TO)).isEqualTo("bob@example.org");
        assertThat(dead.getHeader(DeliveryJob.MAIL_FROM)).isEqualTo(SENDER);
        assertThat(dead.getHeader("Reply")).isEqualTo(unknown);
        assertThat(dead.getHeader("Reason")).isEqualTo("permanent failure at rcpt: " + unknown);
        assertThat(dead.getHeader("LastAttempt")).isEqualTo(NOW.toEpochMilli());
        assertThat(dead.getHeader("DeadLetterId", String.class)).isNotBlank();
        assertThat(dead.getBody(byte[].class)).as("the message as queued is kept").isEqualTo(MESSAGE);
        Message dsn = single(notices(e));
        assertThat(dsn.getHeader(DeliveryJob.MAIL_FROM)).as("a DSN has the null sender").isEqualTo("");
        assertThat(dsn.getHeader(DeliveryJob.RCPT_TO)).isEqualTo(SENDER);
        assertThat(dsn.getHeader(DeliveryJob.DOMAIN)).isEqualTo("sender.test");
        String report = text(dsn);
        assertThat(report).contains("Final-Recipient: rfc822; bob@example.org", "Action: failed", "Status: 5.1.1",
                "Remote-MTA: dns; mx1.example.org", "Diagnostic-Code: smtp; " + unknown);
        assertThat(report).doesNotContain("ann@example.org", "cy@example.org");
        assertThat(events.delivered).isEqualTo(2);
        assertThat(events.bounced).isEqualTo(1);
        assertThat(events.dead).isEqualTo(1);
    }

    @Test
    void settleShouldDeadLetterAnExpiredTransientFailure() {
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", "451 4.3.0 try again later")));

        Exchange e = attempt(job(List.of("bob@example.org"), NOW.minus(Duration.ofDays(6)), 30, true));

        assertThat(rescheduled(e)).isEmpty();
        Message dead = single(deadLetters(e));
        assertThat(dead.getHeader("EnhancedStatus")).isEqualTo("4.4.7");
        assertThat(dead.getHeader("Reason", String.class))
                .isEqualTo("gave up after 5d in the queue; last attempt: temporary failure at rcpt: 451 4.3.0 try again later");
        assertThat(dead.getHeader("ReplyCode")).as("the last reply stays as evidence").isEqualTo(451);
        assertThat(dead.getHeader("Reply")).isEqualTo("451 4.3.0 try again later");
        assertThat(dead.getHeader("Stage")).isEqualTo("rcpt");
        assertThat(dead.getHeader(DeliveryJob.ATTEMPTS)).isEqualTo(31);
        assertThat(text(single(notices(e)))).contains("Action: failed", "Status: 4.4.7",
                "Diagnostic-Code: smtp; 451 4.3.0 try again later");
        assertThat(events.deferred).isZero();
    }

    @Test
    void aPolicyRefusalShouldBecomeADeadLetterWithItsEnhancedStatusAndNoReply() {
        String reason = "the message needs SMTPUTF8 (UTF-8 in a mailbox local part) and mx1.example.org [192.0.2.1]"
                + " does not announce SMTPUTF8";
        hosts.put(MX1.host(), refuses(new PolicyRejection("5.6.7", reason)));

        Exchange e = attempt(job(List.of("ann@example.org", "bob@example.org")));

        assertThat(tried).as("MailRoute's verdict on this host's EHLO is final: no next host").containsExactly(MX1.host());
        assertThat(rescheduled(e)).isEmpty();
        Message dead = single(deadLetters(e));
        assertThat(dead.getHeader(DeliveryJob.RCPT_TO)).as("one dead letter for the same refusal").isEqualTo("ann@example.org,bob@example.org");
        assertThat(dead.getHeader("EnhancedStatus")).isEqualTo("5.6.7");
        assertThat(dead.getHeader("Reason")).isEqualTo(reason);
        assertThat(dead.getHeader("Stage")).isEqualTo("policy");
        assertThat(dead.getHeader("ReplyCode")).as("no server replied").isEqualTo(0);
        assertThat(dead.getHeader("Reply")).isEqualTo("");
        assertThat(dead.getHeader("RemoteHost")).isEqualTo("mx1.example.org [192.0.2.1]");
        String report = text(single(notices(e)));
        assertThat(report).contains("Action: failed", "Status: 5.6.7", "Diagnostic-Code: X-MailRoute; the message needs SMTPUTF8");
        assertThat(report).doesNotContain("smtp; 554");
    }

    @Test
    void settleShouldWarnTheSenderOnceWhenDeliveryIsDelayed() {
        delayWarning = Duration.ofHours(4);
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", "452 4.2.2 mailbox full")));

        Exchange first = attempt(job(List.of("bob@example.org"), NOW.minus(Duration.ofHours(5)), 3, false));

        Message retry = single(rescheduled(first));
        assertThat(retry.getHeader(DeliveryJob.DELAY_WARNED)).isEqualTo(true);
        assertThat(deadLetters(first)).isEmpty();
        Message warning = single(notices(first));
        assertThat(warning.getHeader(DeliveryJob.RCPT_TO)).isEqualTo(SENDER);
        assertThat(text(warning)).contains("Delayed Mail (still being retried)", "Final-Recipient: rfc822; bob@example.org",
                "Action: delayed", "Status: 4.2.2", "Diagnostic-Code: smtp; 452 4.2.2 mailbox full");

        Exchange again = attempt(retry.getHeaders(), retry.getBody(byte[].class));

        assertThat(single(rescheduled(again)).getHeader(DeliveryJob.DELAY_WARNED)).isEqualTo(true);
        assertThat(notices(again)).as("the sender is warned once").isEmpty();
    }

    @Test
    void settleShouldNotWarnBeforeTheDelayWarningTime() {
        delayWarning = Duration.ofHours(4);
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", "452 4.2.2 mailbox full")));

        Exchange e = attempt(job(List.of("bob@example.org"), NOW.minus(Duration.ofHours(3)), 3, false));

        assertThat(single(rescheduled(e)).getHeader(DeliveryJob.DELAY_WARNED)).isEqualTo(false);
        assertThat(notices(e)).isEmpty();
    }

    @Test
    void aDeadLetterForTheNullSenderShouldSendNoDsn() {
        hosts.put(MX1.host(), refusesAtRcpt(Map.of("bob@example.org", "550 5.1.1 unknown")));
        DeliveryJob bounce = new DeliveryJob("Q2", "Q2.1", "", List.of("bob@example.org"), DOMAIN, NOW, "internal", 0, null, "", false, 0,
                MessageBytes.of(MESSAGE));

        Exchange e = attempt(bounce.properties(), MESSAGE);

        assertThat(single(deadLetters(e)).getHeader("Reply")).isEqualTo("550 5.1.1 unknown");
        assertThat(notices(e)).as("no bounce about a bounce").isEmpty();
    }

    // ---- DNS

    @Test
    void aPermanentDnsFailureShouldBeADeadLetterAtStageDnsWithoutTryingAnyHost() {
        dnsFailure = new ResolutionException(true, "5.1.2", "example.org does not exist (NXDOMAIN)");

        Exchange e = attempt(job(List.of("ann@example.org")));

        assertThat(tried).isEmpty();
        assertThat(rescheduled(e)).isEmpty();
        Message dead = single(deadLetters(e));
        assertThat(dead.getHeader("EnhancedStatus")).isEqualTo("5.1.2");
        assertThat(dead.getHeader("Reason")).isEqualTo("example.org does not exist (NXDOMAIN)");
        assertThat(dead.getHeader("Stage")).isEqualTo("dns");
        assertThat(dead.getHeader("ReplyCode")).isEqualTo(0);
        assertThat(dead.getHeader("Reply")).isEqualTo("");
        assertThat(dead.getHeader("RemoteHost")).isEqualTo("");
        assertThat(text(single(notices(e)))).contains("Action: failed", "Status: 5.1.2",
                "Diagnostic-Code: X-MailRoute; example.org does not exist (NXDOMAIN)");
    }

    @Test
    void aTransientDnsFailureShouldRescheduleTheJob() {
        dnsFailure = new ResolutionException(false, "4.4.3", "DNS lookup of example.org failed: SERVFAIL");

        Exchange e = attempt(job(List.of("ann@example.org", "bob@example.org")));

        assertThat(tried).isEmpty();
        Message retry = single(rescheduled(e));
        assertThat(retry.getHeader(DeliveryJob.RCPT_TO)).isEqualTo("ann@example.org,bob@example.org");
        assertThat(retry.getHeader("_AMQ_SCHED_DELIVERY")).isEqualTo(NOW.plus(Duration.ofMinutes(5)).toEpochMilli());
        assertThat(deadLetters(e)).isEmpty();
        assertThat(notices(e)).isEmpty();
    }

    // ---- the fakes: what a host answers

    private static BiFunction<NextHop, DeliveryJob, HopResult> accepts() {
        return (hop, job) -> new HopResult(hop, null, job.recipients().stream().map(r -> RecipientResult.delivered(r, QUEUED)).toList(),
                "", false);
    }

    private static BiFunction<NextHop, DeliveryJob, HopResult> refusesTheConnection() {
        return (hop, job) -> {
            HostFailure f = new HostFailure(SmtpStage.CONNECT, null, "connection refused", false);
            return new HopResult(hop, f, job.recipients().stream().map(r -> RecipientResult.failed(r, null, SmtpStage.CONNECT)).toList(),
                    "", false);
        };
    }

    /** The host cannot be used: it answers {@code reply} at {@code stage}, before MAIL FROM. */
    private static BiFunction<NextHop, DeliveryJob, HopResult> failsBeforeMailFrom(SmtpStage stage, String reply) {
        return (hop, job) -> {
            SmtpReply r = SmtpReply.parse(reply);
            HostFailure f = new HostFailure(stage, r, stage.label() + " refused", r.isPermanent());
            return new HopResult(hop, f, job.recipients().stream().map(rcpt -> RecipientResult.failed(rcpt, r, stage)).toList(), "", false);
        };
    }

    /** RCPT TO answers {@code refusals} for those recipients; the others are delivered after the data. */
    private static BiFunction<NextHop, DeliveryJob, HopResult> refusesAtRcpt(Map<String, String> refusals) {
        return (hop, job) -> new HopResult(hop, null, job.recipients().stream()
                .map(r -> refusals.containsKey(r) ? RecipientResult.failed(r, SmtpReply.parse(refusals.get(r)), SmtpStage.RCPT)
                        : RecipientResult.delivered(r, QUEUED))
                .toList(), "", false);
    }

    /** MailRoute's capability check refuses the message for this host. */
    private static BiFunction<NextHop, DeliveryJob, HopResult> refuses(PolicyRejection refusal) {
        return (hop, job) -> new HopResult(hop, null, job.recipients().stream().map(r -> RecipientResult.refused(r, refusal)).toList(),
                "", false);
    }

    // ---- running one attempt

    private DeliveryProcessor processor() {
        NextHops dns = domain -> {
            assertThat(domain).isEqualTo(DOMAIN);
            if (dnsFailure != null) {
                throw dnsFailure;
            }
            return hops;
        };
        HopSender sender = (hop, job) -> {
            tried.add(hop.host());
            BiFunction<NextHop, DeliveryJob, HopResult> host = hosts.get(hop.host());
            assertThat(host).as("%s must not be tried", hop.host()).isNotNull();
            return host.apply(hop, job);
        };
        // No jitter: the scheduled times are exact.
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20)), new Random() {
            @Override
            public double nextDouble() {
                return 0.5;
            }
        });
        Spool spool = new Spool(spoolDir, 1 << 20);
        return new DeliveryProcessor(dns, sender, schedule, maxLifetime, delayWarning,
                new DsnBuilder("relay.test", "postmaster@relay.test", maxLifetime),
                new MessageAcceptor(new MessageSanitizer("relay.test", CLOCK, Spools.standard()), null, 1 << 20, Set.of(), CLOCK),
                events, CLOCK, spool, 0, 3);
    }

    private static DeliveryJob job(List<String> recipients) {
        return job(recipients, NOW.minus(Duration.ofMinutes(1)), 0, false);
    }

    private static DeliveryJob job(List<String> recipients, Instant acceptedAt, int attempts, boolean delayWarned) {
        return new DeliveryJob("Q1", "Q1.1", SENDER, recipients, DOMAIN, acceptedAt, "http", attempts,
                attempts == 0 ? null : acceptedAt, "", delayWarned, 0, MessageBytes.of(MESSAGE));
    }

    private Exchange attempt(DeliveryJob job) {
        return attempt(job.properties(), MESSAGE);
    }

    /** One attempt as routes/delivery.camel.yaml runs it, on the job as the JMS consumer would hand it over. */
    private Exchange attempt(Map<String, Object> headers, byte[] body) {
        tried.clear();
        DeliveryProcessor delivery = processor();
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeaders(new LinkedHashMap<>(headers));
        e.getMessage().setBody(body);
        delivery.begin(e);
        assertThat(e.getProperty(DeliveryProcessor.POSTPONED, Boolean.class)).isFalse();
        delivery.send(e);
        delivery.settle(e);
        // the route sends the three lists only when this says there is something in them
        boolean anything = !rescheduled(e).isEmpty() || !deadLetters(e).isEmpty() || !notices(e).isEmpty();
        assertThat(e.getProperty(DeliveryProcessor.WRITES, Boolean.class)).isEqualTo(anything);
        return e;
    }

    @SuppressWarnings("unchecked")
    private static List<Message> rescheduled(Exchange e) {
        return e.getProperty(DeliveryProcessor.RESCHEDULED, List.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Message> deadLetters(Exchange e) {
        return e.getProperty(DeliveryProcessor.DEAD_LETTERS, List.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Message> notices(Exchange e) {
        return e.getProperty(DeliveryProcessor.NOTICES, List.class);
    }

    private static Message single(List<Message> messages) {
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static String text(Message m) {
        return new String(m.getBody(byte[].class), StandardCharsets.UTF_8);
    }

    private static void assertNothingWritten(Exchange e) {
        assertThat(rescheduled(e)).isEmpty();
        assertThat(deadLetters(e)).isEmpty();
        assertThat(notices(e)).isEmpty();
    }

    private static NextHop hop(String host, int last, String source) {
        try {
            return new NextHop(host, InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, (byte) last}), 25, source);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Counts what delivery reports to the metrics. */
    private static final class RecordingEvents implements DeliveryEvents {
        int delivered;
        int converted;
        int deferred;
        int bounced;
        int dead;

        @Override
        public void delivered(String domain, Duration sinceAccepted) {
            delivered++;
        }

        @Override
        public void converted(String domain) {
            converted++;
        }

        @Override
        public void deferred(String domain) {
            deferred++;
        }

        @Override
        public void bounced(String domain) {
            bounced++;
        }

        @Override
        public void dead(String domain) {
            dead++;
        }
    }
}
