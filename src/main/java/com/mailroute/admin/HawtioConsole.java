package com.mailroute.admin;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.security.auth.login.Configuration;

import com.mailroute.settings.Settings;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import org.apache.camel.support.service.ServiceSupport;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hawtio web console (Camel routes, Artemis queues, Quartz jobs through JMX) served by the
 * relay itself at http://HOST:PORT/hawtio/ on an embedded Jetty, behind a login with the
 * configured user and password. A Camel service: it starts and stops with the CamelContext.
 */
public final class HawtioConsole extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsole.class);
    public static final String CONTEXT_PATH = "/hawtio";
    /** The JAAS realm Hawtio logs users into. */
    static final String REALM = "mailroute";
    static final String DEFAULT_PASSWORD = "mailroute";
    /** The ServletContext attribute under which Hawtio keeps its io.hawt.web.auth.AuthenticationConfiguration. */
    private static final String HAWTIO_AUTH_ATTRIBUTE = "authenticationConfig";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path war;
    private Server server;

    public HawtioConsole(String host, int port, String user, String password, Path war) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.war = war;
    }

    /**
     * The console from mailroute.console.*, with the war the build puts beside the jars.
     *
     * @throws Settings.SettingsException when the console would be reachable from other machines
     *         with the default password
     */
    public static HawtioConsole fromSettings(Settings settings) {
        String host = settings.get("mailroute.console.host");
        String password = settings.get("mailroute.console.password");
        if (password.equals(DEFAULT_PASSWORD) && !Settings.isLoopback(host)) {
            throw new Settings.SettingsException("mailroute.console.password", password,
                    "the default password is refused while the console listens on " + host
                            + " (mailroute.console.host), which other machines can reach; set a password of your own");
        }
        return new HawtioConsole(host, settings.port("mailroute.console.port"), settings.get("mailroute.console.user"), password,
                bundledWar());
    }

    /**
     * lib/hawtio.war beside the jar that holds this class: target/mailroute.jar → target/lib/hawtio.war,
     * and in a build target/classes → target/lib/hawtio.war. The pom's copy-hawtio execution puts it
     * there in generate-resources, so tests find it as well as `java -jar target/mailroute.jar`.
     */
    static Path bundledWar() {
        Path codeSource;
        try {
            codeSource = Path.of(HawtioConsole.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path war = codeSource.getParent().resolve("lib").resolve("hawtio.war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("the Hawtio console needs " + war + " (the Maven build copies it there)");
        }
        return war;
    }

    @Override
    protected void doStart() throws Exception {
        // Hawtio reads its settings from hawtio.* system properties; login is not optional here.
        System.setProperty("hawtio.authenticationEnabled", "true");
        System.clearProperty("hawtio.auth");
        System.setProperty("hawtio.realm", REALM);
        // The console shows this JVM only; no relaying of Jolokia requests to other hosts.
        System.setProperty("hawtio.disableProxy", "true");

        QueuedThreadPool threads = new QueuedThreadPool(20, 2);
        threads.setName("console");
        server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(CONTEXT_PATH);
        webapp.setWar(war.toString());
        webapp.setThrowUnavailableOnStartupException(true);
        // Hawtio logs through the relay's slf4j (simplelogger.properties), not the log4j inside the war.
        webapp.getProtectedClassMatcher().add("org.slf4j.");
        webapp.addEventListener(new LoginConfigurationInstaller(new ConsoleLoginConfiguration(REALM, user, password)));
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        LOG.info("Hawtio console on http://{}:{}{}/ (user {})", host, connector.getLocalPort(), CONTEXT_PATH, user);
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /**
     * Hands our JAAS configuration to Hawtio's AuthenticationConfiguration the moment Hawtio creates
     * it, before any login can happen. That class lives in the war's class loader, hence reflection.
     */
    private static final class LoginConfigurationInstaller implements ServletContextAttributeListener {
        private final Configuration configuration;

        LoginConfigurationInstaller(Configuration configuration) {
            this.configuration = configuration;
        }

        @Override
        public void attributeAdded(ServletContextAttributeEvent event) {
            if (!HAWTIO_AUTH_ATTRIBUTE.equals(event.getName())) {
                return;
            }
            Object hawtioAuth = event.getValue();
            try {
                hawtioAuth.getClass().getMethod("setConfiguration", Configuration.class).invoke(hawtioAuth, configuration);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot give Hawtio the console's login configuration", e);
            }
        }
    }
}
