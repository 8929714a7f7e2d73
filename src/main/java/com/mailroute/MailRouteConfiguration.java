package com.mailroute;

import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import com.mailroute.admin.HawtioConsole;
import com.mailroute.broker.EmbeddedBroker;
import com.mailroute.delivery.DeliveryProcessor;
import com.mailroute.ingress.HttpIngress;
import com.mailroute.ingress.JmsIngress;
import com.mailroute.ingress.JsonMessageBuilder;
import com.mailroute.ingress.MessageAcceptor;
import com.mailroute.ingress.PickupIngress;
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
        // The Hawtio web console, started and stopped with Camel; refuses an unsafe setup before anything starts.
        context.addService(HawtioConsole.fromSettings(settings), true, true);
        Files.createDirectories(settings.dataDir().resolve("pickup"));
        Files.createDirectories(settings.dataDir().resolve("badmail"));

        String user = settings.get("mailroute.broker.user");
        String password = settings.get("mailroute.broker.password");
        String brokerUrl = settings.get("mailroute.broker.url");
        if (brokerUrl.isEmpty()) {
            EmbeddedBroker broker = new EmbeddedBroker(settings.dataDir(), "127.0.0.1", settings.port("mailroute.broker.port"), user, password);
            broker.start();
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() throws Exception {
                    broker.close();
                }
            }, true, true);
            registry.bind("embeddedBroker", broker);
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
        registry.bind("httpIngress", new HttpIngress(acceptor, new JsonMessageBuilder(settings.heloName())));
        registry.bind("delivery", new DeliveryProcessor(settings.transports(), settings.get("mailroute.relayhost"), settings.heloName()));
    }

    private Set<String> allowedSenderDomains() {
        Set<String> s = new HashSet<>();
        settings.csv("mailroute.sender.allowed-domains").forEach(d -> s.add(java.net.IDN.toASCII(d).toLowerCase(Locale.ROOT)));
        return s;
    }
}
