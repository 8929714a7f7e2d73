package com.mailroute.ingress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pickup folder's steps: accept a file, or move a refused one to badmail/ with its reason beside it. */
public final class PickupIngress {
    private static final Logger LOG = LoggerFactory.getLogger(PickupIngress.class);

    private final PickupFileReader reader = new PickupFileReader();
    private final MessageAcceptor acceptor;
    private final Path badmail;

    public PickupIngress(MessageAcceptor acceptor, Path badmail) {
        this.acceptor = acceptor;
        this.badmail = badmail;
    }

    public void accept(Exchange exchange) {
        byte[] file = exchange.getMessage().getBody(byte[].class);
        MessageAcceptor.Accepted a = acceptor.accept(reader.read(file));
        exchange.getMessage().setHeader("MailRouteId", a.queueId());
        LOG.info("pickup file {} accepted as id={}", exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY), a.queueId());
    }

    /** Keeps the refused file's bytes as badmail/NAME and writes the reason to badmail/NAME.reason. */
    public void reject(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        byte[] file = exchange.getMessage().getBody(byte[].class);
        try {
            Files.createDirectories(badmail);
            Path target = freeName(name);
            Files.write(target, file);
            Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), e.getMessage() + "\n", StandardCharsets.UTF_8);
            LOG.warn("rejected pickup file {}: {} (moved to {})", name, e.getMessage(), target);
        } catch (IOException io) {
            // Leave the file in pickup rather than lose it.
            throw new UncheckedIOException("cannot move " + name + " to " + badmail + ": " + io.getMessage(), io);
        }
    }

    private Path freeName(String name) {
        Path p = badmail.resolve(name);
        for (int i = 1; Files.exists(p) || Files.exists(p.resolveSibling(p.getFileName() + ".reason")); i++) {
            p = badmail.resolve(name + "." + i);
        }
        return p;
    }
}
