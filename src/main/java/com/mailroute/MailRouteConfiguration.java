package com.mailroute;

import java.io.IOException;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.mailroute.admin.AdminApi;
import com.mailroute.admin.ApiAuth;
import com.mailroute.admin.ApiHttpServer;
import com.mailroute.admin.BrokerHealthCheck;
import com.mailroute.admin.DkimKeysHealthCheck;
import com.mailroute.admin.DnsHealthCheck;
import com.mailroute.admin.HawtioConsole;
import com.mailroute.admin.Health;
import com.mailroute.admin.Housekeeping;
import com.mailroute.admin.Metrics;
import com.mailroute.admin.QueueStats;
import com.mailroute.admin.RoutesHealthCheck;
import com.mailroute.broker.DataDirInUseException;
import com.mailroute.broker.EmbeddedBroker;
import com.mailroute.broker.Queues;
import com.mailroute.delivery.DeliveryProcessor;
import com.mailroute.delivery.HopSender;
import com.mailroute.delivery.SmtpHopSender;
import com.mailroute.dkim.DkimKeys;
import com.mailroute.dkim.DkimSigning;
import com.mailroute.dkim.PublishedKeyCheck;
import com.mailroute.failure.DeadLetterStore;
import com.mailroute.failure.DsnBuilder;
import com.mailroute.failure.RetrySchedule;
import com.mailroute.ingress.HttpIngress;
import com.mailroute.ingress.JmsIngress;
import com.mailroute.ingress.JsonMessageBuilder;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.ingress.PickupIngress;
import com.mailroute.ingress.PickupReadLock;
import com.mailroute.ingress.SmtpIngress;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.queue.ArtemisJmsComponent;
import com.mailroute.queue.JobQueue;
import com.mailroute.routing.DnsLookup;
import com.mailroute.routing.NextHopResolver;
import com.mailroute.sanitize.MessageSanitizer;
import com.mailroute.settings.Settings;
import com.mailroute.smtp.SmtpClient;
import com.mailroute.smtp.SmtpSettings;
import com.mailroute.smtp.TlsPolicy;
import com.mailroute.submission.ServerTls;
import com.mailroute.submission.SmtpSubmissionComponent;
import com.mailroute.submission.SubmissionConfig;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.StartupListener;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.spi.StreamCachingStrategy;
import com.mailroute.queue.LargeBodies;
import com.mailroute.spool.HeapBudget;
import com.mailroute.spool.Spool;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Wires MailRoute's beans into the Camel registry; the routes in routes/*.yaml refer to them by name.
 */
public class MailRouteConfiguration implements CamelConfiguration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MailRouteConfiguration.class);
    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private DkimSigning dkim;
    private Spool spool;

    public MailRouteConfiguration(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // Routes read {{mailroute.*}} placeholders from the settings this configuration was built with.
        context.getPropertiesComponent().setOverrideProperties(settings.asProperties());
        // Camel's HTTP server and the broker only log a port they cannot bind; refuse to start instead.
        ensureFree("mailroute.http.port", settings.get("mailroute.http.host"), settings.port("mailroute.http.port"));
        ensureFree("mailroute.console.port", settings.get("mailroute.console.host"), settings.port("mailroute.console.port"));
        // The API's HTTP server, started before the routes; POST /api/messages answers 503, never 404, until its route runs.
        // Twice the size limit, so a message somewhat too large still gets MailRoute's own JSON 413 naming the setting.
        context.addService(new ApiHttpServer(settings.get("mailroute.http.host"), settings.port("mailroute.http.port"),
                2 * settings.size("mailroute.message.max-size") + 1024 * 1024));
        // The Hawtio web console, started and stopped with Camel; refuses an unsafe setup before anything starts.
        context.addService(HawtioConsole.fromSettings(settings), true, true);
        // DKIM keys and the SMTP listener's settings are read first: a bad key file or listener setting stops
        // startup with one line before anything starts.
        DkimKeys dkimKeys = DkimKeys.fromSettings(settings);
        SubmissionConfig submissionConfig = SubmissionConfig.from(settings);
        Files.createDirectories(settings.dataDir().resolve("pickup"));
        Files.createDirectories(settings.dataDir().resolve("badmail"));

        Registry registry = context.getRegistry();
        spool = spool(context);
        registry.bind("spool", spool);
        EmbeddedBroker embedded = startEmbeddedBrokerUnlessExternal(context);
        ActiveMQConnectionFactory artemis = connectionFactory(embedded);
        registry.bind("artemisConnectionFactory", ConnectionFactory.class, artemis);
        JmsComponent jms = new ArtemisJmsComponent(new JmsConfiguration(artemis));
        jms.setDestinationResolver(Queues.resolver());
        jms.setMessageCreatedStrategy(new LargeBodies());   // spooled bodies go to the broker as streams
        context.addComponent("jms", jms);
        // HTTP and pickup commits run on many threads at once: a session each, kept for the next commit.
        CachingConnectionFactory producers = new CachingConnectionFactory(artemis);
        producers.setSessionCacheSize(64);
        JobQueue queue = new JobQueue(producers);
        registry.bind("jobQueue", queue);

        Metrics metrics = Metrics.inCamelRegistry(registry);
        registry.bind("metrics", metrics);
        dkim = new DkimSigning(dkimKeys, metrics, clock);
        MessageAcceptor acceptor = ingress(registry, queue, metrics, submissionConfig);
        registry.bind("delivery", delivery(context, acceptor, metrics));
        admin(context, artemis, embedded, acceptor, metrics);
    }

    /**
     * MailRoute's spool (data/spool) and Camel's stream cache (data/spool/camel, where Camel keeps large HTTP request
     * bodies and large messages consumed from the broker): past mailroute.message.spool-threshold, bytes are in files,
     * not in the heap, so memory does not grow with message size.
     */
    private Spool spool(CamelContext context) {
        int threshold = Math.toIntExact(settings.size("mailroute.message.spool-threshold"));
        Spool spool = new Spool(settings.dataDir().resolve("spool"), threshold);
        int left = spool.clearLeftovers();
        if (left > 0) {
            LOG.info("spool: deleted {} scratch files left by the last run in {}", left, spool.dir());
        }
        StreamCachingStrategy streams = context.getStreamCachingStrategy();
        streams.setSpoolEnabled(true);
        streams.setSpoolDirectory(spool.dir().resolve("camel").toFile());
        streams.setSpoolThreshold(threshold);
        return spool;
    }

    private EmbeddedBroker startEmbeddedBrokerUnlessExternal(CamelContext context) throws Exception {
        if (!settings.get("mailroute.broker.url").isEmpty()) {
            return null;
        }
        ensureFree("mailroute.broker.port", settings.get("mailroute.broker.host"), settings.port("mailroute.broker.port"));
        EmbeddedBroker broker = new EmbeddedBroker(settings.dataDir(), settings.get("mailroute.broker.host"),
                settings.port("mailroute.broker.port"), settings.get("mailroute.broker.user"), settings.get("mailroute.broker.password"));
        try {
            broker.start();
        } catch (DataDirInUseException e) {
            throw new Settings.SettingsException("mailroute.data.dir", e.dataDir().toString(), e.getMessage());
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                broker.close();
            }
        }, true, true);
        context.getRegistry().bind("embeddedBroker", broker);
        return broker;
    }

    private ActiveMQConnectionFactory connectionFactory(EmbeddedBroker embedded) {
        String url = embedded != null ? EmbeddedBroker.IN_VM_URL : settings.get("mailroute.broker.url");
        String user = settings.get("mailroute.broker.user");
        ActiveMQConnectionFactory factory = user.isEmpty() ? new ActiveMQConnectionFactory(url)
                : new ActiveMQConnectionFactory(url, user, settings.get("mailroute.broker.password"));
        // No prefetch: a delivery consumer waits on remote servers, and jobs buffered in one consumer would wait behind
        // its slow host while other consumers idle (Artemis's advice for slow consumers).
        factory.setConsumerWindowSize(0);
        // Messages up to the spool threshold (512 KB) travel in the journal; Artemis's default (100 KiB) made every
        // ordinary attachment a "large message": a file of its own created, synced and deleted per message. Larger
        // ones are streamed to the broker's large-messages folder and back, never held whole in the heap.
        factory.setMinLargeMessageSize(Math.toIntExact(settings.size("mailroute.message.spool-threshold")));
        if (embedded != null) {
            // No producer credits: with Artemis's 64 KiB window every job over 32 KiB waited for a credit round trip
            // before it was sent. The embedded broker pages a full address rather than blocking its producers, so
            // the credits never held anything back; an external broker keeps its own flow control.
            factory.setProducerWindowSize(-1);
        }
        return factory;
    }

    /** The beans of routes/ingress.camel.yaml; returns the accept step they share. */
    private MessageAcceptor ingress(Registry registry, JobQueue queue, Metrics metrics, SubmissionConfig submissionConfig) {
        MessageAcceptor acceptor = new MessageAcceptor(new MessageSanitizer(settings.heloName(), clock, spool), queue,
                settings.size("mailroute.message.max-size"), allowedSenderDomains(), clock);
        acceptor.onAccepted(report -> metrics.sanitized(report.counts()));
        acceptor.limitHeap(HeapBudget.quarterOfHeap());
        registry.bind("pickupIngress", new PickupIngress(acceptor, settings.dataDir().resolve("badmail"),
                settings.positiveInt("mailroute.pickup.max-attempts"), spool.heapLimit()));
        registry.bind("pickupReadLock", new PickupReadLock()); // takes the pickup route's readLockMinAge
        registry.bind("jmsIngress", new JmsIngress(acceptor, clock, spool));
        registry.bind("httpIngress", new HttpIngress(acceptor, new JsonMessageBuilder(settings.heloName()), spool,
                settings.size("mailroute.message.max-size")));
        submission(registry, acceptor, submissionConfig);
        return acceptor;
    }

    /** The SMTP listener's component (smtp-submission:) and the step of its route, ingress-smtp. */
    private void submission(Registry registry, MessageAcceptor acceptor, SubmissionConfig config) {
        if (config.port() != 0) {
            ensureFree("mailroute.submission.port", config.host(), config.port());
            if (config.tls()) {
                ServerTls.load(config.tlsCert(), config.tlsKey()); // a key that cannot be used stops startup now, with one line
            }
        }
        registry.bind("smtp-submission", new SmtpSubmissionComponent(config, spool));
        registry.bind("smtpIngress", new SmtpIngress(acceptor));
    }

    /** The delivery steps of routes/delivery.camel.yaml, sending with MailRoute's connection-reusing SMTP client. */
    private DeliveryProcessor delivery(CamelContext context, MessageAcceptor acceptor, Metrics metrics) throws Exception {
        DnsLookup dns = new DnsLookup(settings.dnsServers(), settings.duration("mailroute.dns.timeout"), 10_000);
        NextHopResolver resolver = new NextHopResolver(dns, settings.transports(), settings.get("mailroute.relayhost"),
                settings.port("mailroute.smtp.port"));
        SmtpClient smtp = new SmtpClient(new SmtpSettings(settings.heloName(), settings.duration("mailroute.smtp.connect-timeout"),
                settings.duration("mailroute.smtp.command-timeout"), settings.duration("mailroute.smtp.data-timeout"),
                settings.positiveInt("mailroute.smtp.connection.max-messages"), settings.duration("mailroute.smtp.connection.max-idle"),
                host -> TlsPolicy.parse(settings.tlsPolicyForHost(host))));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                smtp.close();
            }
        }, true, true);
        HopSender hopSender = new SmtpHopSender(smtp, new SevenBitConverter(settings.bool("mailroute.mime.convert-signed"), spool), dkim);
        DsnBuilder dsn = new DsnBuilder(settings.heloName(), settings.get("mailroute.postmaster"), settings.duration("mailroute.queue.max-lifetime"));
        return new DeliveryProcessor(resolver::resolve, hopSender, settings.retrySchedule(), settings.duration("mailroute.queue.max-lifetime"),
                settings.duration("mailroute.delay-warning"), dsn, acceptor, metrics, clock, spool,
                settings.nonNegativeInt("mailroute.delivery.max-per-domain"), settings.positiveInt("mailroute.delivery.max-internal-errors"));
    }

    /** The beans of routes/admin.camel.yaml and routes/housekeeping.camel.yaml. */
    private void admin(CamelContext context, ActiveMQConnectionFactory artemis, EmbeddedBroker embedded, MessageAcceptor acceptor,
                       Metrics metrics) throws Exception {
        Registry registry = context.getRegistry();
        DeadLetterStore deadLetters = new DeadLetterStore(artemis, spool);
        registry.bind("deadLetters", deadLetters);
        QueueStats stats = new QueueStats(artemis, embedded);
        metrics.queueDepth(Queues.OUTBOUND, () -> stats.depth(Queues.OUTBOUND));
        metrics.queueDepth(Queues.OUTBOUND + ".scheduled", stats::scheduled);
        metrics.queueDepth(Queues.DEAD, () -> stats.depth(Queues.DEAD));
        registry.bind("adminApi", new AdminApi(deadLetters, stats, clock));
        registry.bind("housekeeping", new Housekeeping(deadLetters, acceptor, settings.duration("mailroute.dead.retention"),
                settings.get("mailroute.postmaster"), settings.heloName(), settings.dataDir().resolve("housekeeping"), clock));
        registry.bind("apiAuth", new ApiAuth(settings.get("mailroute.api.token")));
        DnsLookup uncachedDns = new DnsLookup(settings.dnsServers(), settings.duration("mailroute.dns.timeout"), 0);
        PublishedKeyCheck dkimDns = new PublishedKeyCheck(uncachedDns, dkim.keys().all(), clock);
        // Camel health checks (found in the registry by Camel's health registry), shown together on /observe/health.
        RoutesHealthCheck routes = new RoutesHealthCheck();
        List<HealthCheck> checks = List.of(new BrokerHealthCheck(artemis), routes, new DnsHealthCheck(uncachedDns, clock),
                new DkimKeysHealthCheck(dkimDns::status));
        for (HealthCheck check : checks) {
            ((CamelContextAware) check).setCamelContext(context);
            registry.bind("health-check-" + check.getId(), check);
        }
        registry.bind("health", new Health(checks));
        int httpPort = settings.port("mailroute.http.port");
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                routes.expectRunningRoutes(started);
                dkimDns.startupCheck();
                // Camel's own endpoint summary prints the wildcard address; this line says where MailRoute really listens.
                LOG.info("MailRoute ready: API http://{}:{}/api/messages, SMTP {}, console http://{}:{}/hawtio, broker {}, data {}, next hop {}",
                        settings.get("mailroute.http.host"), httpPort, settings.port("mailroute.submission.port") == 0 ? "off"
                                : settings.get("mailroute.submission.host") + ":" + settings.port("mailroute.submission.port"),
                        settings.get("mailroute.console.host"),
                        settings.port("mailroute.console.port"), embedded != null
                                ? "embedded (tcp://" + settings.get("mailroute.broker.host") + ":" + settings.port("mailroute.broker.port") + ")"
                                : settings.get("mailroute.broker.url"),
                        settings.dataDir(), settings.get("mailroute.relayhost").isEmpty() ? "MX via DNS "
                                + (settings.dnsServers().isEmpty() ? "(system resolvers)" : settings.dnsServers()) : "relayhost " + settings.get("mailroute.relayhost"));
            }
        });
    }

    private static void ensureFree(String key, String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new Settings.SettingsException(key, String.valueOf(port), "cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another MailRoute or another program using it?");
        }
    }

    private Set<String> allowedSenderDomains() {
        Set<String> s = new HashSet<>();
        settings.csv("mailroute.sender.allowed-domains").forEach(d -> s.add(IDN.toASCII(d).toLowerCase(Locale.ROOT)));
        return s;
    }
}
