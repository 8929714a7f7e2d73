package com.mailroute.ingress;

import com.mailroute.spool.FileBytes;
import com.mailroute.spool.MessageBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pickup folder's steps: accept a file, or move a refused one to badmail/ with its reason beside it. */
public final class PickupIngress {
    private static final Logger LOG = LoggerFactory.getLogger(PickupIngress.class);

    private final PickupFileReader reader = new PickupFileReader();
    private final MessageAcceptor acceptor;
    private final Path badmail;
    private final int maxAttempts;
    private final int heapLimit;
    private final Map<String, Integer> failedAttempts = new ConcurrentHashMap<>();
    private final Set<String> waitingForBroker = ConcurrentHashMap.newKeySet();

    /** @param heapLimit files up to this size are read into the heap (fastest); larger ones are read in place */
    public PickupIngress(MessageAcceptor acceptor, Path badmail, int maxAttempts, int heapLimit) {
        this.acceptor = acceptor;
        this.badmail = badmail;
        this.maxAttempts = maxAttempts;
        this.heapLimit = heapLimit;
    }

    public void accept(Exchange exchange) {
        MessageAcceptor.Accepted a = acceptor.accept(reader.read(file(exchange)));
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        failedAttempts.remove(name);
        waitingForBroker.remove(name);
        exchange.getMessage().setHeader("MailRouteId", a.queueId());
        LOG.info("pickup file {} accepted as id={}", exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY), a.queueId());
    }

    /** Keeps the refused file's bytes as badmail/NAME and writes the reason to badmail/NAME.reason. */
    public void reject(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        moveToBadmail(exchange, e.getMessage());
        LOG.warn("rejected pickup file {}: {}", exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY), e.getMessage());
    }

    /**
     * A failure that is not a refusal of the file. While the broker is unavailable the file stays in pickup and is tried
     * again at every poll (said once). Any other failure is logged with its cause at every attempt and the file is tried
     * again, up to mailroute.pickup.max-attempts; then it moves to badmail/ with the cause in NAME.reason, so one file
     * MailRoute cannot take never loops forever.
     */
    public void failed(Exchange exchange) throws Exception {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String cause = AcceptFailure.describe(e);
        if (AcceptFailure.brokerUnavailable(e)) {
            if (waitingForBroker.add(name)) {
                LOG.warn("pickup file {} not accepted: the broker is unavailable ({}); it stays in pickup and is tried again", name, cause);
            }
            throw e;
        }
        if (AcceptFailure.heapFull(e)) {
            LOG.warn("pickup file {} not accepted yet: {}; it stays in pickup and is tried again", name, cause);
            throw e;
        }
        int attempt = failedAttempts.merge(name, 1, Integer::sum);
        if (attempt < maxAttempts) {
            LOG.error("pickup file {} not accepted (attempt {} of {}): {}; it stays in pickup and is tried again", name, attempt, maxAttempts,
                    cause, e);
            throw e;
        }
        failedAttempts.remove(name);
        moveToBadmail(exchange, "not accepted after " + attempt + " attempts: " + cause);
        LOG.error("pickup file {} not accepted after {} attempts, moved to badmail/: {}", name, attempt, cause);
    }

    private void moveToBadmail(Exchange exchange, String reason) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        try {
            Files.createDirectories(badmail);
            Path target = freeName(name);
            Files.copy(path(exchange), target);
            Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), reason + "\n", StandardCharsets.UTF_8);
        } catch (IOException io) {
            // Leave the file in pickup rather than lose it.
            throw new UncheckedIOException("cannot move " + name + " to " + badmail + ": " + io.getMessage(), io);
        }
    }

    /** A small pickup file read into the heap; a large one read in place, never whole into the heap. */
    private MessageBytes file(Exchange exchange) {
        Path path = path(exchange);
        try {
            long size = Files.size(path);
            return size <= heapLimit ? MessageBytes.of(Files.readAllBytes(path)) : new FileBytes(path, 0, size, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pickup file " + path + ": " + e.getMessage(), e);
        }
    }

    private static Path path(Exchange exchange) {
        return Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
    }

    private Path freeName(String name) {
        Path p = badmail.resolve(name);
        for (int i = 1; Files.exists(p) || Files.exists(p.resolveSibling(p.getFileName() + ".reason")); i++) {
            p = badmail.resolve(name + "." + i);
        }
        return p;
    }
}
