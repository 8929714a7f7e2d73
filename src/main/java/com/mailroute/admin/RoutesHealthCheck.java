package com.mailroute.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Up when every route ever seen running still runs. Camel's own route checks forget a route that is removed (a
 * reloaded file that no longer builds); this one remembers it and reports it until it runs again.
 */
public final class RoutesHealthCheck extends AbstractHealthCheck {
    private final Set<String> expected = ConcurrentHashMap.newKeySet();

    public RoutesHealthCheck() {
        super(Health.GROUP, "routes");
    }

    /** Remembers the routes running now as the ones that must keep running. */
    public void expectRunningRoutes(CamelContext context) {
        context.getRoutes().forEach(r -> expected.add(r.getRouteId()));
    }

    @Override
    public boolean isLiveness() {
        return true; // Camel's default is readiness only
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext context = getCamelContext();
        expectRunningRoutes(context);
        List<String> down = expected.stream().sorted()
                .filter(id -> context.getRouteController().getRouteStatus(id) != ServiceStatus.Started).toList();
        if (down.isEmpty()) {
            builder.up();
        } else {
            builder.down().message("not running: " + down);
        }
    }
}
