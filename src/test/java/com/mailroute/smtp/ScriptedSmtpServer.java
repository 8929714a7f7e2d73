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
    /** 354 to DATA even when no recipient was accepted (a server that breaks RFC 2920's rule). */
    volatile boolean dataWithoutRecipients;
    /**
     * Holds the replies to RSET, MAIL and RCPT until DATA arrives, as if they were slow: only a client that pipelines
     * gets them, one that waits for each reply before its next command waits forever.
     */
    volatile boolean repliesOnlyAfterData;

    /** Commands that arrived while the client had already sent more: non-zero only for a pipelining client. */
    final AtomicInteger sentAhead = new AtomicInteger();

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
            boolean mail = false;
            int recipients = 0;
            StringBuilder held = new StringBuilder();
            while ((line = readLine(in)) != null) {
                commands.add(line);
                if (in.available() > 0) {
                    sentAhead.incrementAndGet();
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                String answer = switch (verb) {
                    case "EHLO" -> ehloReply;
                    case "HELO" -> "250 scripted.test";
                    case "MAIL" -> {
                        mail = mailReply.startsWith("2");
                        recipients = 0;
                        yield mailReply;
                    }
                    case "RCPT" -> {
                        if (!mail) {
                            yield "503 5.5.1 Error: need MAIL command";
                        }
                        String r = rcptReply.apply(line);
                        recipients += r.startsWith("2") ? 1 : 0;
                        yield r;
                    }
                    case "RSET", "NOOP" -> {
                        mail = false;
                        yield "250 2.0.0 Ok";
                    }
                    case "QUIT" -> "221 2.0.0 Bye";
                    case "DATA" -> recipients == 0 && !dataWithoutRecipients ? "554 5.5.1 Error: no valid recipients" : dataReply;
                    default -> "502 5.5.2 Error: command not recognized";
                };
                if (repliesOnlyAfterData && !verb.equals("DATA") && !verb.equals("EHLO") && !verb.equals("QUIT")) {
                    held.append(answer).append("\r\n");
                    continue;
                }
                reply(out, held + answer);
                held.setLength(0);
                if (verb.equals("QUIT") || answer.startsWith("421")) {
                    return;
                }
                if (verb.equals("DATA") && answer.startsWith("354")) {
                    byte[] message = readData(in);
                    if (message == null) {
                        return;   // the client went away before the end of data: no message
                    }
                    messages.add(message);
                    mail = false;
                    if (dropAfterData) {
                        return;
                    }
                    reply(out, endOfDataReply);
                    if (closeAfterEachMessage) {
                        return;
                    }
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

    /** The message up to the "." line, dot-stuffing undone; null when the connection ends before it. */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] line;
        while ((line = readRawLine(in)) != null) {
            String text = new String(line, StandardCharsets.ISO_8859_1);
            if (text.equals(".\r\n")) {
                return data.toByteArray();
            }
            int skip = text.startsWith(".") ? 1 : 0;   // undo dot-stuffing
            data.write(line, skip, line.length - skip);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
