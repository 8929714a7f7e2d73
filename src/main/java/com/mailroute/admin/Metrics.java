package com.mailroute.admin;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import com.mailroute.delivery.DeliveryEvents;
import com.mailroute.dkim.SigningEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.spi.Registry;

/**
 * MailRoute's own figures (mailroute_*), kept in Camel's Micrometer registry beside Camel's route and exchange
 * metrics (camel_*), all served as Prometheus text on /observe/metrics.
 */
public final class Metrics implements DeliveryEvents, SigningEvents {
    private final PrometheusMeterRegistry registry;

    public Metrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The Prometheus registry camel-micrometer-prometheus uses (camel.metrics.enabled): the one bound as
     * {@value MicrometerConstants#METRICS_REGISTRY_NAME}, bound here first if Camel has not made it yet.
     */
    public static Metrics inCamelRegistry(Registry camelRegistry) {
        MeterRegistry found = MicrometerUtils.getMeterRegistryFromCamelRegistry(camelRegistry, MicrometerConstants.METRICS_REGISTRY_NAME);
        if (found == null) {
            found = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            camelRegistry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, found);
        }
        if (!(found instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("the meter registry " + MicrometerConstants.METRICS_REGISTRY_NAME + " is a "
                    + found.getClass().getName() + ", not a PrometheusMeterRegistry");
        }
        return new Metrics(prometheus);
    }

    @Override
    public void delivered(String domain, Duration sinceAccepted) {
        counter("mailroute_delivered", domain, "Recipients delivered (2xx after end of data)").increment();
        Timer.builder("mailroute_delivery_latency").description("Time from accept to the next hop's 250")
                .tag("domain", domain).publishPercentileHistogram().register(registry).record(sinceAccepted);
    }

    @Override
    public void deferred(String domain) {
        counter("mailroute_deferred", domain, "Recipients rescheduled after a transient failure").increment();
    }

    @Override
    public void bounced(String domain) {
        counter("mailroute_bounced", domain, "Recipients failed permanently (DSN sent unless the sender was <>)").increment();
    }

    @Override
    public void dead(String domain) {
        counter("mailroute_dead", domain, "Dead letters written").increment();
    }

    @Override
    public void converted(String domain) {
        counter("mailroute_converted_8bit_to_7bit", domain, "Messages converted from 8-bit to 7-bit for a next hop without 8BITMIME").increment();
    }

    @Override
    public void dkimSigned(String signingDomain) {
        counter("mailroute_dkim_signed", signingDomain, "Messages handed to a next hop with MailRoute's DKIM signature (by signing domain)").increment();
    }

    @Override
    public void dkimOwnSignatureBroken(String fromDomain) {
        counter("mailroute_dkim_own_signature_broken", fromDomain,
                "Messages that carried their own DKIM signature and had to be converted to 7-bit, which breaks it (by From domain)").increment();
    }

    public void sanitized(Map<String, Integer> fixes) {
        fixes.forEach((fix, n) -> Counter.builder("mailroute_sanitizer_fixes").description("Changes the sanitizer made, by kind")
                .tag("fix", fix).register(registry).increment(n));
    }

    public void queueDepth(String queue, Supplier<Number> depth) {
        Gauge.builder("mailroute_queue_depth", depth).description("Messages on a MailRoute queue").tag("queue", queue).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    private Counter counter(String name, String domain, String description) {
        return Counter.builder(name).description(description).tag("domain", domain).register(registry);
    }
}
