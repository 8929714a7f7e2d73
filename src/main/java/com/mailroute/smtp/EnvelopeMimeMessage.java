package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Properties;

/**
 * A message body for a camel-mail smtp endpoint that carries its own envelope: the next hop, MAIL FROM and
 * RCPT TO (never taken from To/Cc headers), and the preparer that adapts the bytes to the host's EHLO.
 * The original bytes are never rewritten: header updates are disabled and {@link #writeTo} writes them as given.
 * {@link CamelMailSender} stores the outcome with {@link #setHopResult}.
 */
public class EnvelopeMimeMessage extends MimeMessage {
    private String logContext = "";

    private final byte[] original;
    private final NextHop hop;
    private final String mailFrom;
    private final List<String> recipients;
    private final MessagePreparer preparer;
    private volatile HopResult hopResult;

    /**
     * @param original   the CRLF-clean message as queued
     * @param mailFrom   envelope sender, "" for {@code <>}
     * @param recipients envelope recipients, all for this hop
     */
    public EnvelopeMimeMessage(byte[] original, NextHop hop, String mailFrom, List<String> recipients,
                               MessagePreparer preparer) throws MessagingException {
        super(Session.getInstance(new Properties()), new ByteArrayInputStream(original));
        this.original = original.clone();
        this.hop = hop;
        this.mailFrom = mailFrom;
        this.recipients = List.copyOf(recipients);
        this.preparer = preparer;
    }

    public NextHop hop() {
        return hop;
    }

    public String mailFrom() {
        return mailFrom;
    }

    public List<String> recipients() {
        return recipients;
    }

    public MessagePreparer preparer() {
        return preparer;
    }

    /** The attempt's outcome, null until the message went through {@link CamelMailSender}. */
    /** Prefix for the attempt's log line, e.g. "id=... domain=...". */
    public String logContext() {
        return logContext;
    }

    public void setLogContext(String logContext) {
        this.logContext = logContext;
    }

    public HopResult hopResult() {
        return hopResult;
    }

    public void setHopResult(HopResult hopResult) {
        this.hopResult = hopResult;
    }

    /** The bytes exactly as given, whatever was called on this object. */
    public byte[] originalBytes() {
        return original.clone();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(original);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreHeaders) throws IOException {
        out.write(original);
    }

    /** saveChanges() must not add MIME-Version, Content-Type or a new Message-ID to a message being relayed. */
    @Override
    protected void updateHeaders() {
    }

    @Override
    protected void updateMessageID() {
    }
}
