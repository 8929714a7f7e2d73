package com.mailroute.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.SimpleResolver;

/**
 * /observe/health: live when the broker answers and every route is started; ready when, in
 * addition, a DNS server answers (any answer counts: it shows the resolver is reachable).
 */
public final class Health {
    private final ConnectionFactory connectionFactory;
    private final List<String> dnsServers;
    private volatile Instant dnsCheckedAt = Instant.EPOCH;
    private volatile String dnsStatus = "unknown";
    // Every route seen running: a route that disappears (e.g. a reloaded file that no longer builds) is reported.
    private final java.util.Set<String> expectedRoutes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Supplier<Map<String, String>> dkim = Map::of;

    public Health(ConnectionFactory connectionFactory, List<String> dnsServers) {
        this.connectionFactory = connectionFactory;
        this.dnsServers = dnsServers;
    }

    public void check(Exchange e) {
        Map<String, Object> checks = new LinkedHashMap<>();
        String broker = broker();
        String routes = routes(e.getContext());
        String dns = dns();
        checks.put("broker", broker);
        checks.put("routes", routes);
        checks.put("dns", dns);
        Map<String, String> dkimRecords = dkim.get();
        if (!dkimRecords.isEmpty()) {
            checks.put("dkim", dkimRecords); // reported, never DOWN: mail is signed whether or not DNS publishes the key yet
        }
        boolean live = broker.equals("UP") && routes.equals("UP");
        boolean ready = live && dns.equals("UP");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", live ? "UP" : "DOWN");
        body.put("liveness", live ? "UP" : "DOWN");
        body.put("readiness", ready ? "UP" : "DOWN");
        body.put("checks", checks);
        boolean readinessPath = String.valueOf(e.getMessage().getHeader(Exchange.HTTP_PATH)).endsWith("ready");
        AdminApi.json(e, (readinessPath ? ready : live) ? 200 : 503, body);
    }

    /** Signing domain → whether DNS publishes its DKIM key ("OK: ...", "MISSING: ...", "MISMATCH: ..."). */
    public void dkim(java.util.function.Supplier<Map<String, String>> publishedKeys) {
        this.dkim = publishedKeys;
    }

    private String broker() {
        try (Connection c = connectionFactory.createConnection()) {
            return "UP";
        } catch (Exception ex) {
            return "DOWN: " + ex.getMessage();
        }
    }

    /** Remembers the routes running now as the ones that must keep running. */
    public void expectRunningRoutes(CamelContext context) {
        context.getRoutes().forEach(r -> expectedRoutes.add(r.getRouteId()));
    }

    private String routes(CamelContext context) {
        expectRunningRoutes(context);
        List<String> down = expectedRoutes.stream().sorted()
                .filter(id -> context.getRouteController().getRouteStatus(id) != ServiceStatus.Started).toList();
        return down.isEmpty() ? "UP" : "DOWN: not running: " + down;
    }

    private String dns() {
        if (Duration.between(dnsCheckedAt, Instant.now()).toSeconds() < 30) {
            return dnsStatus;
        }
        String status;
        try {
            SimpleResolver r = dnsServers.isEmpty() ? new SimpleResolver() : resolver(dnsServers.get(0));
            r.setTimeout(Duration.ofSeconds(2));
            r.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.root, Type.SOA, DClass.IN)));
            status = "UP";
        } catch (Exception ex) {
            status = "DOWN: no answer from " + (dnsServers.isEmpty() ? "the system resolver" : dnsServers.get(0)) + ": " + ex.getMessage();
        }
        dnsStatus = status;
        dnsCheckedAt = Instant.now();
        return status;
    }

    private static SimpleResolver resolver(String server) throws Exception {
        String host = server;
        int port = 53;
        int colon = server.lastIndexOf(':');
        if (colon > 0 && server.indexOf(':') == colon) {
            host = server.substring(0, colon);
            port = Integer.parseInt(server.substring(colon + 1));
        }
        SimpleResolver r = new SimpleResolver(host.replace("[", "").replace("]", ""));
        r.setPort(port);
        return r;
    }
}
