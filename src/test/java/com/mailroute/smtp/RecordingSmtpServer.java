package com.mailroute.smtp;

import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** SubEthaSMTP on 127.0.0.1 recording each message's session, envelope and exact bytes. */
final class RecordingSmtpServer implements AutoCloseable {

    record Received(String sessionId, String mailFrom, List<String> recipients, byte[] data) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final SMTPServer server;

    RecordingSmtpServer() throws UnknownHostException {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getByName("127.0.0.1"))
                .hostName("subetha.test")
                .insertReceivedHeaders(false)   // compare the exact bytes the client sent
                .messageHandlerFactory(context -> new MessageHandler() {
                    private String from;
                    private final List<String> recipients = new ArrayList<>();

                    @Override
                    public void from(String from) {
                        this.from = from;
                    }

                    @Override
                    public void recipient(String recipient) {
                        recipients.add(recipient);
                    }

                    @Override
                    public String data(InputStream data) throws IOException {
                        received.add(new Received(context.getSessionId(), from, List.copyOf(recipients), data.readAllBytes()));
                        return null;
                    }

                    @Override
                    public void done() {
                    }
                })
                .build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    @Override
    public void close() {
        server.stop();
    }
}
