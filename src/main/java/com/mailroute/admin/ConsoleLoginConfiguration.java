package com.mailroute.admin;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.Configuration;

/**
 * The JAAS configuration Hawtio uses for its realm: only {@link SingleUserLoginModule} with the
 * console's user and password. Handed to Hawtio directly, so the JVM-wide JAAS setup is left alone.
 */
public final class ConsoleLoginConfiguration extends Configuration {
    private final String realm;
    private final AppConfigurationEntry entry;

    public ConsoleLoginConfiguration(String realm, String user, String password) {
        this.realm = realm;
        this.entry = new AppConfigurationEntry(SingleUserLoginModule.class.getName(), LoginModuleControlFlag.REQUIRED,
                Map.of("user", user, "password", password));
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        return realm.equals(name) ? new AppConfigurationEntry[] {entry} : null;
    }
}
