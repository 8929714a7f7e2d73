package com.mailroute.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * /observe/health: MailRoute's Camel health checks (group {@value #GROUP}: broker, routes, dns, dkim), also seen by
 * Camel's own health tooling (JMX, Hawtio), rendered as one JSON document. Live when every liveness check is up
 * (broker, routes); ready when every readiness check is up (also DNS); /observe/health/ready answers by readiness.
 */
public final class Health {
    public static final String GROUP = "mailroute";
    private final List<HealthCheck> checks;

    /** @param checks in the order they are shown */
    public Health(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    public void check(Exchange e) {
        Map<String, Object> shown = new LinkedHashMap<>();
        boolean live = true;
        boolean ready = true;
        for (HealthCheck check : checks) {
            HealthCheck.Result r = check.call();
            boolean up = r.getState() == HealthCheck.State.UP;
            live &= up || !check.isLiveness();
            ready &= up || !check.isReadiness();
            if (check instanceof DkimKeysHealthCheck) {
                Map<String, Object> domains = new LinkedHashMap<>();
                r.getDetails().forEach((k, v) -> {
                    if (!HealthCheckHelper.isReservedKey(k)) {
                        domains.put(k, v);
                    }
                });
                if (!domains.isEmpty()) {
                    shown.put(check.getId(), domains);
                }
            } else {
                shown.put(check.getId(), up ? "UP" : "DOWN: " + r.getMessage().orElse(r.getState().name()));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", live ? "UP" : "DOWN");
        body.put("liveness", live ? "UP" : "DOWN");
        body.put("readiness", ready ? "UP" : "DOWN");
        body.put("checks", shown);
        boolean readinessPath = String.valueOf(e.getMessage().getHeader(Exchange.HTTP_PATH)).endsWith("ready");
        AdminApi.json(e, (readinessPath ? ready : live) ? 200 : 503, body);
    }
}
