package com.mailroute.broker;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.DivertConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ComponentConfigurationRoutingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-JVM Artemis broker used when no external broker is configured: a persistent journal
 * under DATA/broker, an in-VM acceptor for MailRoute itself and a loopback TCP acceptor so
 * outside JMS clients can submit.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    public static final String IN_VM_URL = "vm://0";
    static final String SUBMISSIONS_TO_DELIVERY = "mailroute.submissions-to-delivery";

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final Path dataDir;
    private java.nio.channels.FileChannel lockChannel;

    public EmbeddedBroker(Path dataDir, String tcpHost, int tcpPort, String user, String password) throws Exception {
        this.dataDir = dataDir;
        Path dir = dataDir.resolve("broker");
        Configuration config = new ConfigurationImpl()
                .setName("mailroute")
                .setPersistenceEnabled(true)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setSecurityEnabled(!user.isEmpty())
                .setJMXManagementEnabled(true)
                .setJournalDatasync(true);
        config.addAcceptorConfiguration("in-vm", IN_VM_URL);
        config.addAcceptorConfiguration("tcp", "tcp://" + tcpHost + ":" + tcpPort + "?protocols=CORE");
        // Named for every address (temporary reply queues too), so the broker does not warn at every start.
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("mailroute.broker.undeliverable"))
                .setExpiryAddress(SimpleString.of("mailroute.broker.expired")));
        // A job is never dropped by the broker: a rolled-back delivery (the broker could not take a job's outcome) is
        // redelivered until it succeeds. An external broker needs the same for mailroute.# (see the README).
        config.addAddressSetting("mailroute.#", new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1000)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true));
        for (String q : Queues.ALL) {
            config.addQueueConfiguration(QueueConfiguration.of(q).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        // A JMS submission is written to the journal once, as it arrives, and goes where jobs wait: the delivery route
        // accepts it and makes its first attempt in one transaction (routes/delivery.camel.yaml). Without this, it was
        // journalled, handed to the submit route and written again as a job before any delivery could start.
        config.addDivertConfiguration(new DivertConfiguration().setName(SUBMISSIONS_TO_DELIVERY)
                .setAddress(Queues.SUBMIT).setForwardingAddress(Queues.OUTBOUND).setExclusive(true)
                .setRoutingType(ComponentConfigurationRoutingType.ANYCAST));
        server.setConfiguration(config);
        if (!user.isEmpty()) {
            server.setSecurityManager(new SingleUserSecurityManager(user, password));
        }
    }

    public void start() throws Exception {
        lockDataDir();
        server.start();
        LOG.info("embedded broker started: journal {}, listening on {}", server.getActiveMQServer().getConfiguration().getJournalLocation(),
                server.getActiveMQServer().getConfiguration().getAcceptorConfigurations().stream()
                        .map(a -> a.getName() + "=" + a.getParams()).toList());
    }

    public EmbeddedActiveMQ server() {
        return server;
    }

    /** Artemis would wait forever for a journal another MailRoute holds; say so and stop instead. */
    private void lockDataDir() throws java.io.IOException {
        java.nio.file.Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve("mailroute.lock");
        lockChannel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldInThisJvm) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new DataDirInUseException(dataDir, "in use by another running MailRoute (" + lockFile + " is locked)");
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
        if (lockChannel != null) {
            lockChannel.close();
        }
    }
}
