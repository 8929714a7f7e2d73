package com.mailroute;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.mailroute.settings.Settings;
import org.apache.camel.main.Main;

/** Starts MailRoute: settings first (a wrong one stops startup with one line), then Camel Main. */
public final class MailRouteMain {

    private MailRouteMain() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.load();
        } catch (Settings.SettingsException e) {
            System.err.println("mailroute: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            create(settings).run(args);
        } catch (Exception e) {
            // Settings checked while wiring (e.g. the console password) also stop startup with one line.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Settings.SettingsException s) {
                    System.err.println("mailroute: " + s.getMessage());
                    System.exit(2);
                }
            }
            // Anything else that stops startup: one line, and exit rather than leave a half-started process.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("mailroute: cannot start: " + root);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** A Camel Main with MailRoute's configuration, routes and settings; not yet started. */
    public static Main create(Settings settings) {
        nameTheMailStreamProvider();
        Main main = new Main();
        main.configure().addConfiguration(new MailRouteConfiguration(settings));
        main.setOverrideProperties(camelProperties(settings));
        return main;
    }

    /**
     * Jakarta Mail looks up its StreamProvider on every header parse (InternetHeaders, MimeBodyPart) through a
     * service-loader scan of every jar unless this system property names it: a third of the CPU of every accepted
     * message went there. Angus is the implementation on the class path.
     */
    static void nameTheMailStreamProvider() {
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    static Properties camelProperties(Settings settings) {
        Properties p = settings.asProperties();
        p.setProperty("camel.main.name", "mailroute");
        Path routes = Path.of(settings.get("mailroute.routes.dir")).toAbsolutePath().normalize();
        boolean routesOnDisk = Files.isDirectory(routes);
        // The routes folder is the operator's; the jar carries a copy for runs from elsewhere.
        p.setProperty("camel.main.routesIncludePattern", routesOnDisk ? "file:" + routes + "/*.yaml" : "classpath:routes/*.yaml");
        org.slf4j.LoggerFactory.getLogger(MailRouteMain.class).info(routesOnDisk
                ? "routes from " + routes + (settings.bool("mailroute.routes.reload") ? " (reloaded when a file changes)" : "")
                : "routes from the jar: " + routes + " (mailroute.routes.dir) does not exist; copy the routes/ folder there to edit them");
        p.setProperty("camel.main.routesReloadEnabled", String.valueOf(routesOnDisk && settings.bool("mailroute.routes.reload")));
        p.setProperty("camel.main.routesReloadDirectory", routes.toString());
        p.setProperty("camel.main.routesReloadPattern", "*.yaml");
        p.setProperty("camel.main.routesReloadRemoveAllRoutes", "false");
        // The HTTP server is MailRoute's own (admin.ApiHttpServer, added by MailRouteConfiguration), not Camel Main's.
        p.setProperty("camel.server.enabled", "false");
        p.setProperty("camel.main.jmxEnabled", "true");
        // Camel's route and exchange metrics (camel_*) in the registry that also holds MailRoute's (admin.Metrics).
        p.setProperty("camel.metrics.enabled", "true");
        // Not the per-endpoint exchange timers: on every exchange they search the whole registry for a gauge, 4% of the
        // relay's CPU; the route policy's camel_exchanges_* per route remain.
        p.setProperty("camel.metrics.enableExchangeEventNotifier", "false");
        // Per route only: the context-wide copy of the same counters timed every exchange a second time.
        p.setProperty("camel.metrics.routePolicyLevel", "route");
        return p;
    }
}
