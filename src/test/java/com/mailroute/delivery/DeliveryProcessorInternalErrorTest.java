package com.mailroute.delivery;

import com.mailroute.spool.Spool;
import com.mailroute.spool.MessageBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mailroute.admin.Metrics;
import com.mailroute.dkim.DkimKeys;
import com.mailroute.dkim.DkimSigning;
import com.mailroute.failure.DsnBuilder;
import com.mailroute.failure.RetrySchedule;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.routing.DnsLookup;
import com.mailroute.routing.NextHopResolver;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.testsupport.Spools;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * An unexpected error of MailRoute's own is retried like a transient failure, but when it repeats on every attempt
 * it is a bug, not bad luck: after mailroute.delivery.max-internal-errors attempts in a row the job becomes a dead
 * letter whose reason names the exception, instead of being retried for the whole queue lifetime.
 */
class DeliveryProcessorInternalErrorTest {
    private static final Clock CLOCK = Clock.systemUTC();
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path SPOOL_DIR;
    private final DefaultCamelContext camel = new DefaultCamelContext();

    // An SmtpHopSender without an SMTP client fails with a NullPointerException on every attempt: a stand-in for a bug.
    private final DeliveryProcessor delivery = new DeliveryProcessor(
            new NextHopResolver(new DnsLookup(List.of("127.0.0.1:9"), Duration.ofSeconds(1), 10), Map.of(), "127.0.0.1:2525", 25)::resolve,
            new SmtpHopSender(null, new SevenBitConverter(false, com.mailroute.testsupport.Spools.heap()), new DkimSigning(DkimKeys.none(), new Metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)), CLOCK)), RetrySchedule.parse("5m"), Duration.ofDays(5), Duration.ZERO,
            new DsnBuilder("relay.test", "postmaster@relay.test"),
            new MessageAcceptor(new MessageSanitizer("relay.test", CLOCK, Spools.standard()), null, 1 << 20, Set.of(), CLOCK), new Metrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)), CLOCK, new Spool(SPOOL_DIR, 1 << 20), 0, 3);

    @Test
    void aRepeatingInternalErrorShouldBeRetriedThenBecomeADeadLetterNamingTheException() {
        DeliveryJob job = new DeliveryJob("Q1", "Q1.1", "shop@sender.test", List.of("dylan@one.test"), "one.test", Instant.now(), "http",
                0, null, "", false, 0, MessageBytes.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));

        Exchange first = attempt(job.properties(), job.message().toByteArray());
        List<Message> again = first.getProperty(DeliveryProcessor.RESCHEDULED, List.class);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).getHeader(DeliveryJob.INTERNAL_ERRORS)).isEqualTo(1);
        assertThat(again.get(0).getHeader("_AMQ_SCHED_DELIVERY", Long.class)).isGreaterThan(CLOCK.millis() + 60_000);
        assertThat(first.getProperty(DeliveryProcessor.DEAD_LETTERS, List.class)).isEmpty();

        Exchange second = attempt(again.get(0).getHeaders(), again.get(0).getBody(byte[].class));
        List<Message> third = second.getProperty(DeliveryProcessor.RESCHEDULED, List.class);
        assertThat(third.get(0).getHeader(DeliveryJob.INTERNAL_ERRORS)).isEqualTo(2);

        Exchange last = attempt(third.get(0).getHeaders(), third.get(0).getBody(byte[].class));
        assertThat(last.getProperty(DeliveryProcessor.RESCHEDULED, List.class)).isEmpty();
        List<Message> dead = last.getProperty(DeliveryProcessor.DEAD_LETTERS, List.class);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getHeader("Reason", String.class))
                .contains("MailRoute internal error on 3 attempts in a row", "a bug in MailRoute", "NullPointerException");
        assertThat(dead.get(0).getHeader("EnhancedStatus")).isEqualTo("5.3.0");
        assertThat(dead.get(0).getHeader(DeliveryJob.ATTEMPTS)).isEqualTo(3);
        List<Message> dsn = last.getProperty(DeliveryProcessor.NOTICES, List.class);
        assertThat(dsn).hasSize(1);
        assertThat(dsn.get(0).getHeader(DeliveryJob.RCPT_TO)).isEqualTo("shop@sender.test");
    }

    private Exchange attempt(Map<String, Object> headers, byte[] body) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeaders(new java.util.HashMap<>(headers));
        e.getMessage().setBody(body);
        delivery.begin(e);
        delivery.send(e);
        delivery.settle(e);
        return e;
    }
}
