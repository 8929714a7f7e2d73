package com.mailroute.admin;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Reports, per signing domain, whether DNS publishes its DKIM key ("OK: ...", "MISSING: ...", "MISMATCH: ...") as
 * details. Never down: mail is signed whether or not DNS publishes the key yet.
 */
public final class DkimKeysHealthCheck extends AbstractHealthCheck {
    private final Supplier<Map<String, String>> publishedKeys;

    public DkimKeysHealthCheck(Supplier<Map<String, String>> publishedKeys) {
        super(Health.GROUP, "dkim");
        this.publishedKeys = publishedKeys;
    }

    /** Signing domain → what DNS publishes for its key; empty when nothing is signed. */
    public Map<String, String> domains() {
        return publishedKeys.get();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        domains().forEach(builder::detail);
    }
}
