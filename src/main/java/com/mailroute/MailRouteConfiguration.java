package com.mailroute;

import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import com.mailroute.admin.HawtioConsole;
import com.mailroute.broker.EmbeddedBroker;
import com.mailroute.admin.AdminApi;
import com.mailroute.admin.ApiAuth;
import com.mailroute.admin.Health;
import com.mailroute.admin.Housekeeping;
import com.mailroute.admin.Metrics;
import com.mailroute.admin.QueueStats;
import com.mailroute.broker.Queues;
import com.mailroute.delivery.DeliveryProcessor;
import com.mailroute.delivery.HopSender;
import com.mailroute.failure.DeadLetterStore;
import com.mailroute.failure.DsnBuilder;
import com.mailroute.failure.RetrySchedule;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.routing.DnsLookup;
import com.mailroute.routing.NextHopResolver;
import com.mailroute.smtp.CamelMailSender;
import com.mailroute.smtp.SmtpClient;
import com.mailroute.smtp.SmtpSettings;
import com.mailroute.smtp.TlsPolicy;
import java.util.Random;
import com.mailroute.ingress.HttpIngress;
import com.mailroute.ingress.JmsIngress;
import com.mailroute.ingress.JsonMessageBuilder;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.ingress.PickupIngress;
import com.mailroute.ingress.PickupReadLock;
import com.mailroute.queue.JobQueue;
import com.mailroute.sanitize.MessageSanitizer;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Wires MailRoute's beans into the Camel registry; the routes in routes/*.yaml refer to them by name.
 */
public class MailRouteConfiguration implements CamelConfiguration {
    private final Settings settings;

    public MailRouteConfiguration(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        // Routes read {{mailroute.*}} placeholders from the settings this configuration was built with.
        context.getPropertiesComponent().setOverrideProperties(settings.asProperties());
        // The Hawtio web console, started and stopped with Camel; refuses an unsafe setup before anything starts.
        context.addService(HawtioConsole.fromSettings(settings), true, true);
        // Camel's HTTP server and the broker only log a port they cannot bind; refuse to start instead.
        ensureFree("mailroute.http.port", settings.get("mailroute.http.host"), settings.port("mailroute.http.port"));
        ensureFree("mailroute.console.port", settings.get("mailroute.console.host"), settings.port("mailroute.console.port"));
        if (settings.get("mailroute.broker.url").isEmpty()) {
            ensureFree("mailroute.broker.port", settings.get("mailroute.broker.host"), settings.port("mailroute.broker.port"));
        }
        Files.createDirectories(settings.dataDir().resolve("pickup"));
        Files.createDirectories(settings.dataDir().resolve("badmail"));

        String user = settings.get("mailroute.broker.user");
        String password = settings.get("mailroute.broker.password");
        String brokerUrl = settings.get("mailroute.broker.url");
        EmbeddedBroker embedded = null;
        if (brokerUrl.isEmpty()) {
            EmbeddedBroker broker = new EmbeddedBroker(settings.dataDir(), settings.get("mailroute.broker.host"), settings.port("mailroute.broker.port"), user, password);
            broker.start();
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() throws Exception {
                    broker.close();
                }
            }, true, true);
            registry.bind("embeddedBroker", broker);
            embedded = broker;
            brokerUrl = EmbeddedBroker.IN_VM_URL;
        }
        ActiveMQConnectionFactory artemis = user.isEmpty()
                ? new ActiveMQConnectionFactory(brokerUrl)
                : new ActiveMQConnectionFactory(brokerUrl, user, password);
        CachingConnectionFactory producers = new CachingConnectionFactory(artemis);
        producers.setSessionCacheSize(10);
        registry.bind("artemisConnectionFactory", ConnectionFactory.class, artemis);

        JmsComponent jms = JmsComponent.jmsComponent(artemis);
        context.addComponent("jms", jms);

        JobQueue queue = new JobQueue(producers);
        registry.bind("jobQueue", queue);
        Clock clock = Clock.systemUTC();
        MessageAcceptor acceptor = new MessageAcceptor(new MessageSanitizer(settings.heloName(), clock), queue,
                settings.size("mailroute.message.max-size"), allowedSenderDomains(), clock);
        registry.bind("pickupIngress", new PickupIngress(acceptor, settings.dataDir().resolve("badmail")));
        registry.bind("jmsIngress", new JmsIngress(acceptor));
        PickupReadLock pickupReadLock = new PickupReadLock();
        pickupReadLock.setMinAge(settings.nonNegativeInt("mailroute.pickup.min-age-ms"));
        pickupReadLock.setCheckInterval(500);
        registry.bind("pickupReadLock", pickupReadLock);
        registry.bind("httpIngress", new HttpIngress(acceptor, new JsonMessageBuilder(settings.heloName())));
        Metrics metrics = new Metrics();
        registry.bind("metrics", metrics);
        acceptor.onAccepted(report -> metrics.sanitized(report.counts()));

        DnsLookup dns = new DnsLookup(settings.dnsServers(), settings.duration("mailroute.dns.timeout"), 10_000);
        NextHopResolver resolver = new NextHopResolver(dns, settings.transports(), settings.get("mailroute.relayhost"),
                settings.port("mailroute.smtp.port"));
        SmtpSettings smtpSettings = new SmtpSettings(settings.heloName(), settings.duration("mailroute.smtp.connect-timeout"),
                settings.duration("mailroute.smtp.command-timeout"), settings.duration("mailroute.smtp.data-timeout"),
                settings.positiveInt("mailroute.smtp.connection.max-messages"), settings.duration("mailroute.smtp.connection.max-idle"),
                host -> TlsPolicy.parse(settings.tlsPolicyForHost(host)));
        SmtpClient smtp = new SmtpClient(smtpSettings);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                smtp.close();
            }
        }, true, true);
        registry.bind("camelMailSender", new CamelMailSender(smtp));
        HopSender hopSender = new HopSender(context.createProducerTemplate(), new SevenBitConverter(settings.bool("mailroute.mime.convert-signed")));
        DsnBuilder dsn = new DsnBuilder(settings.heloName(), settings.get("mailroute.postmaster"), settings.duration("mailroute.queue.max-lifetime"));
        registry.bind("delivery", new DeliveryProcessor(resolver, hopSender, queue,
                new RetrySchedule(settings.retrySchedule(), new Random()), settings.duration("mailroute.queue.max-lifetime"),
                settings.duration("mailroute.delay-warning"), dsn, acceptor, metrics, clock,
                settings.nonNegativeInt("mailroute.delivery.max-per-domain")));

        DeadLetterStore deadLetters = new DeadLetterStore(artemis);
        registry.bind("deadLetters", deadLetters);
        QueueStats stats = new QueueStats(artemis, embedded);
        metrics.queueDepth(Queues.OUTBOUND, () -> stats.depth(Queues.OUTBOUND));
        metrics.queueDepth(Queues.OUTBOUND + ".scheduled", stats::scheduled);
        metrics.queueDepth(Queues.DEAD, () -> stats.depth(Queues.DEAD));
        registry.bind("adminApi", new AdminApi(deadLetters, stats, clock));
        registry.bind("housekeeping", new Housekeeping(deadLetters, acceptor, settings.duration("mailroute.dead.retention"),
                settings.get("mailroute.postmaster"), settings.heloName(), settings.dataDir().resolve("housekeeping"), clock));
        registry.bind("apiAuth", new ApiAuth(settings.get("mailroute.api.token")));
        Health health = new Health(artemis, settings.dnsServers());
        registry.bind("health", health);
        context.addStartupListener(new org.apache.camel.StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                health.expectRunningRoutes(started);
                answerUnavailableWhileTheSubmitRouteIsDown(started, settings.port("mailroute.http.port"));
            }
        });
    }

    /**
     * While the HTTP submit route is being reloaded or stopped, Vert.x would answer 404, which a client may take as
     * final; this last-resort handler answers 503 with Retry-After instead, so the client tries again.
     */
    private static void answerUnavailableWhileTheSubmitRouteIsDown(CamelContext context, int port) {
        var router = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context,
                org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            return;
        }
        router.route(io.vertx.core.http.HttpMethod.POST, "/api/messages").order(Integer.MAX_VALUE - 1).handler(ctx -> {
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Retry-After", "5")
                        .end("{\"error\":\"message not queued: the submit route is not running right now (starting, stopping or"
                                + " reloading); try again\"}");
            }
        });
    }

    private static void ensureFree(String key, String host, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new Settings.SettingsException(key, String.valueOf(port), "cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another MailRoute or another program using it?");
        }
    }

    private Set<String> allowedSenderDomains() {
        Set<String> s = new HashSet<>();
        settings.csv("mailroute.sender.allowed-domains").forEach(d -> s.add(java.net.IDN.toASCII(d).toLowerCase(Locale.ROOT)));
        return s;
    }
}
