package com.mailroute.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.mailroute.routing.DnsLookup;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness only: up when a DNS server answers (any answer shows the resolver is reachable). Without DNS mail is
 * still accepted and queued, so the relay stays live. Asked at most every 30 s.
 */
public final class DnsHealthCheck extends AbstractHealthCheck {
    private static final Duration RECHECK = Duration.ofSeconds(30);
    private final DnsLookup dns;
    private final Clock clock;
    private volatile Instant checkedAt = Instant.EPOCH;
    private volatile String failure = "not checked yet";

    public DnsHealthCheck(DnsLookup dns, Clock clock) {
        super(Health.GROUP, "dns");
        this.dns = dns;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Instant now = clock.instant();
        if (Duration.between(checkedAt, now).compareTo(RECHECK) >= 0) {
            try {
                dns.ping();
                failure = null;
            } catch (Exception e) {
                failure = e.getMessage();
            }
            checkedAt = now;
        }
        String f = failure;
        if (f == null) {
            builder.up();
        } else {
            builder.down().message(f);
        }
    }
}
