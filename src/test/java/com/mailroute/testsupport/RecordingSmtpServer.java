package com.mailroute.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An in-JVM SMTP server (SubEthaSMTP) on loopback that records every transaction it accepted:
 * envelope sender, envelope recipients and the exact DATA bytes. A test can make it refuse a
 * message after the data with any reply.
 */
public final class RecordingSmtpServer implements AutoCloseable {

    /** One accepted transaction, as the server saw it on the wire; the session id tells connections apart. */
    public record Transaction(String from, List<String> recipients, byte[] data, String sessionId) {
        public String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Decides the reply after DATA: null accepts, otherwise a RejectException to send. */
    public interface DataPolicy extends Function<byte[], RejectException> {
    }

    private final List<Transaction> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger inData = new AtomicInteger();
    private final AtomicInteger maxInData = new AtomicInteger();
    private volatile long dataDelayMillis;
    private final SMTPServer server;
    private volatile DataPolicy policy = data -> null;
    private volatile Function<String, RejectException> rcptPolicy = r -> null;

    public RecordingSmtpServer() {
        this("127.0.0.1");
    }

    public RecordingSmtpServer(String bindAddress) {
        try {
            server = SMTPServer.port(0)
                    .bindAddress(InetAddress.getByName(bindAddress))
                    .hostName("recording.test")
                    .insertReceivedHeaders(false)
                    .messageHandlerFactory(this::handler)
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    public void policy(DataPolicy p) {
        this.policy = p;
    }

    /** Decides the reply to each RCPT TO: null accepts, otherwise the RejectException to send. */
    public void rcptPolicy(Function<String, RejectException> p) {
        this.rcptPolicy = p;
    }

    /**
     * Behaves like the Lotus Domino server of the original incident: EHLO lists no 8BITMIME and
     * any data byte >= 0x80 is refused.
     */
    public void strictSevenBit() {
        server.getCommandHandler().addCommand(new EhloWithout8BitMime());
        policy(data -> {
            for (byte b : data) {
                if ((b & 0xFF) >= 0x80) {
                    return new RejectException(554, "5.6.0 8-bit data not accepted: 8BITMIME was not announced");
                }
            }
            return null;
        });
    }


    public List<Transaction> received() {
        return new ArrayList<>(received);
    }

    /** Makes every DATA take this long, so concurrency can be observed. */
    public void slowData(long millis) {
        this.dataDelayMillis = millis;
    }

    /** The largest number of transactions that were in their DATA phase at the same time. */
    public int maxConcurrentData() {
        return maxInData.get();
    }

    public int rejectedCount() {
        return rejected.get();
    }

    @Override
    public void close() {
        server.stop();
    }

    private MessageHandler handler(MessageContext ctx) {
        return new MessageHandler() {
            String from;
            final List<String> rcpts = new ArrayList<>();

            @Override
            public void from(String f) {
                from = f;
            }

            @Override
            public void recipient(String r) throws RejectException {
                RejectException refuse = rcptPolicy.apply(r);
                if (refuse != null) {
                    throw refuse;
                }
                rcpts.add(r);
            }

            @Override
            public String data(InputStream in) throws RejectException, IOException {
                byte[] data = in.readAllBytes();
                maxInData.accumulateAndGet(inData.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(dataDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inData.decrementAndGet();
                }
                RejectException refuse = policy.apply(data);
                if (refuse != null) {
                    rejected.incrementAndGet();
                    throw refuse;
                }
                received.add(new Transaction(from, List.copyOf(rcpts), data, ctx.getSessionId()));
                return null;
            }

            @Override
            public void done() {
            }
        };
    }
}
