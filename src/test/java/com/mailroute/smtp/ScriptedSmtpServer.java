package com.mailroute.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny SMTP server on 127.0.0.1 whose every reply a test can script, for faults SubEthaSMTP cannot produce
 * (4xx greeting, drop after the data, multi-line refusals). Records commands, connections and messages.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    volatile String greeting = "220 scripted.test ESMTP";          // null: never greet
    volatile String ehloReply = "250-scripted.test\r\n250-8BITMIME\r\n250-SIZE 1000000\r\n250 PIPELINING";
    volatile String mailReply = "250 2.1.0 Ok";
    volatile Function<String, String> rcptReply = rcpt -> "250 2.1.5 Ok";
    volatile String dataReply = "354 End data with <CR><LF>.<CR><LF>";
    volatile String endOfDataReply = "250 2.0.0 Ok: queued as 1234";
    volatile boolean dropAfterData;
    volatile boolean closeAfterEachMessage;

    final AtomicInteger connections = new AtomicInteger();
    final List<String> commands = new CopyOnWriteArrayList<>();
    /** Message contents with dot-stuffing removed, as a mailbox would store them. */
    final List<byte[]> messages = new CopyOnWriteArrayList<>();

    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<String> commandsStartingWith(String prefix) {
        return commands.stream().filter(c -> c.toUpperCase().startsWith(prefix)).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            if (greeting == null) {
                in.read();   // say nothing; the client must time out
                return;
            }
            reply(out, greeting);
            if (!greeting.startsWith("2")) {
                return;
            }
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, ehloReply);
                    case "HELO" -> reply(out, "250 scripted.test");
                    case "MAIL" -> reply(out, mailReply);
                    case "RCPT" -> reply(out, rcptReply.apply(line));
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 Bye");
                        return;
                    }
                    case "DATA" -> {
                        reply(out, dataReply);
                        if (!dataReply.startsWith("354")) {
                            continue;
                        }
                        messages.add(readData(in));
                        if (dropAfterData) {
                            return;
                        }
                        reply(out, endOfDataReply);
                        if (closeAfterEachMessage) {
                            return;
                        }
                    }
                    default -> reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        byte[] line = readRawLine(in);
        if (line == null) {
            return null;
        }
        String s = new String(line, StandardCharsets.UTF_8);
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.strip();
    }

    /** One line including its CRLF, or null at end of stream. */
    private static byte[] readRawLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] line;
        while ((line = readRawLine(in)) != null) {
            String text = new String(line, StandardCharsets.ISO_8859_1);
            if (text.equals(".\r\n")) {
                break;
            }
            int skip = text.startsWith(".") ? 1 : 0;   // undo dot-stuffing
            data.write(line, skip, line.length - skip);
        }
        return data.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
