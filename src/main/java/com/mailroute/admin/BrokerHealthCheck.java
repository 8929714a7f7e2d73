package com.mailroute.admin;

import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Up when the broker accepts a connection: without it nothing can be accepted or delivered. */
public final class BrokerHealthCheck extends AbstractHealthCheck {
    private final ConnectionFactory connectionFactory;

    public BrokerHealthCheck(ConnectionFactory connectionFactory) {
        super(Health.GROUP, "broker");
        this.connectionFactory = connectionFactory;
    }

    @Override
    public boolean isLiveness() {
        return true; // Camel's default is readiness only
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection c = connectionFactory.createConnection()) {
            builder.up();
        } catch (Exception e) {
            builder.down().message(String.valueOf(e.getMessage())).error(e);
        }
    }
}
