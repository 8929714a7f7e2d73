package com.mailroute.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

import com.sun.security.auth.UserPrincipal;

/**
 * JAAS login for the console: accepts exactly the user and password given as the options
 * "user" and "password" (see {@link ConsoleLoginConfiguration}).
 */
public final class SingleUserLoginModule implements LoginModule {
    private Subject subject;
    private CallbackHandler callbackHandler;
    private String user;
    private String password;
    private UserPrincipal principal;

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
        this.callbackHandler = callbackHandler;
        this.user = (String) options.get("user");
        this.password = (String) options.get("password");
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user");
        PasswordCallback pass = new PasswordCallback("password", false);
        try {
            callbackHandler.handle(new Callback[] {name, pass});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot read the credentials: " + e.getMessage());
        }
        char[] given = pass.getPassword();
        pass.clearPassword();
        // Compare both fields in constant time so a wrong user name takes as long as a wrong password.
        boolean userOk = MessageDigest.isEqual(bytes(name.getName()), bytes(user));
        boolean passwordOk = given != null && MessageDigest.isEqual(bytes(new String(given)), bytes(password));
        if (!userOk || !passwordOk || user.isEmpty() || password.isEmpty()) {
            throw new FailedLoginException("wrong user or password");
        }
        principal = new UserPrincipal(user);
        return true;
    }

    @Override
    public boolean commit() {
        if (principal == null) {
            return false;
        }
        subject.getPrincipals().add(principal);
        return true;
    }

    @Override
    public boolean abort() {
        principal = null;
        return true;
    }

    @Override
    public boolean logout() {
        if (principal != null) {
            subject.getPrincipals().remove(principal);
        }
        principal = null;
        return true;
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
