package com.mailroute.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.JavaMailSender;
import org.apache.camel.component.mail.MailAuthenticator;

import java.util.Properties;

/**
 * The javaMailSender for camel-mail smtp endpoints: sends an {@link EnvelopeMimeMessage} through the shared,
 * connection-reusing {@link SmtpClient} to the envelope's next hop and stores the {@link HopResult} on the
 * message. SMTP refusals are results, not exceptions; only a body of the wrong type throws.
 * The endpoint's host/port/session settings are kept because the interface requires them, but the envelope's
 * NextHop decides where the message goes.
 */
public class CamelMailSender implements JavaMailSender {

    private final SmtpClient client;
    private Properties javaMailProperties = new Properties();
    private String host;
    private int port;
    private String username;
    private String password;
    private String protocol = "smtp";
    private Session session;
    private MailAuthenticator authenticator;

    public CamelMailSender(SmtpClient client) {
        this.client = client;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (!(message instanceof EnvelopeMimeMessage envelope)) {
            throw new MessagingException("CamelMailSender sends only EnvelopeMimeMessage bodies, got "
                    + message.getClass().getName() + ": the envelope must not be guessed from headers");
        }
        envelope.setHopResult(client.deliver(envelope.hop(), envelope.mailFrom(), envelope.recipients(),
                envelope.preparer(), envelope.logContext()));
    }

    @Override
    public Properties getJavaMailProperties() {
        return javaMailProperties;
    }

    @Override
    public void setJavaMailProperties(Properties javaMailProperties) {
        this.javaMailProperties = javaMailProperties;
    }

    @Override
    public void addAdditionalJavaMailProperty(String key, String value) {
        javaMailProperties.setProperty(key, value);
    }

    @Override
    public void setHost(String host) {
        this.host = host;
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public void setPort(int port) {
        this.port = port;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public void setUsername(String username) {
        this.username = username;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public String getPassword() {
        return password;
    }

    @Override
    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public void setSession(Session session) {
        this.session = session;
    }

    @Override
    public Session getSession() {
        return session;
    }

    @Override
    public void setAuthenticator(MailAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public MailAuthenticator getAuthenticator() {
        return authenticator;
    }
}
