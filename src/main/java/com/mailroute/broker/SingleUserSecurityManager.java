package com.mailroute.broker;

import java.util.Set;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/** Broker access for exactly one configured user (mailroute.broker.user / password). */
final class SingleUserSecurityManager implements ActiveMQSecurityManager {
    private final String user;
    private final String password;

    SingleUserSecurityManager(String user, String password) {
        this.user = user;
        this.password = password;
    }

    @Override
    public boolean validateUser(String u, String p) {
        return user.equals(u) && password.equals(p);
    }

    @Override
    public boolean validateUserAndRole(String u, String p, Set<Role> roles, CheckType checkType) {
        return validateUser(u, p);
    }
}
