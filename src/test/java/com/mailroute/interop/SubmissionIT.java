package com.mailroute.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SMTP submission listener of the packaged relay, used by real clients written elsewhere — swaks, Python's
 * smtplib, Postfix's smtp-source, and Postfix itself as an MTA whose relayhost is MailRoute — delivering to the
 * real Postfix next hops. SMTP smuggling sequences sent raw reach the strict Postfix as text of one message.
 */
class SubmissionIT {
    static final Duration DELIVERY = Duration.ofSeconds(60);
    static final String USER = "app";
    static final String PASSWORD = "s3cret pass";
    // openssl passwd -6 -salt testsalt 's3cret pass'
    static final String HASH = "$6$testsalt$grUzJj6qt8WAnyqgh.MVvFJNyV8k88ZKKfbhqtmmmYERJiHXNih24QxG8kVuUt8ls4lCti8e7J0cDV5CU1MoM0";
    static final Path RESOURCES = Path.of("src/test/resources").toAbsolutePath();
    static Peers peers = Peers.load();
    static RelayProcess relay;

    @RegisterExtension
    static InteropDiagnostics diagnostics = new InteropDiagnostics().relay(() -> relay)
            .peerLog(peers.lenientMaillog()).peerLog(peers.strictMaillog())
            .peerLog(new PeerLog("client Postfix maillog", peers.path("PEERS_CLIENT_MAILLOG")));

    @BeforeAll
    static void startRelay() {
        relay = new RelayProcess("submission", peers, Map.of(
                "mailroute.submission.users", USER + ":" + HASH,
                "mailroute.submission.tls.cert", RESOURCES.resolve("submission/cert.pem").toString(),
                "mailroute.submission.tls.key", RESOURCES.resolve("submission/key.pem").toString())).start();
    }

    @AfterAll
    static void stopRelay() {
        relay.stop();
    }

    String lenient() {
        return peers.get("PEERS_DOMAIN_LENIENT");
    }

    byte[] awaitAtLenientPostfix(String to, String subject) {
        String delivered = await("lenient Postfix delivery line for " + to).atMost(DELIVERY)
                .until(() -> peers.lenientMaillog().deliveredTo(to), l -> l.isPresent()).orElseThrow();
        assertThat(delivered).contains("status=sent (delivered to maildir)");
        return peers.lenientMaildir().messageWithSubject(subject).orElseThrow();
    }

    @Test
    void swaksShouldSubmitWithoutAuthFromLoopback() {
        String token = Run.token("swaks-plain");
        String to = token + "@" + lenient();
        ExternalCommand swaks = ExternalCommand.run("swaks", "--server", "127.0.0.1:" + relay.submissionPort(), "--helo", "swaks.test",
                "--from", "app@" + lenient(), "--to", to, "--header", "Subject: " + token, "--body", "token " + token).succeeded();
        assertThat(swaks.output()).containsPattern("<-  250 2\\.0\\.0 Ok: queued as [0-9A-F]+");

        byte[] stored = awaitAtLenientPostfix(to, token);
        assertThat(RawMessage.unfoldedHeaders(stored)).contains("Received: from swaks.test ([127.0.0.1]) by relay.test (MailRoute) with ESMTP id ");
        // swaks ends its body with empty lines of its own
        assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII)).matches("token " + token + "\n+");
    }

    @Test
    void swaksShouldSubmitOverStartTlsWithAuthPlain() {
        String token = Run.token("swaks-auth");
        String to = token + "@" + lenient();
        ExternalCommand swaks = ExternalCommand.run("swaks", "--server", "127.0.0.1:" + relay.submissionPort(), "--helo", "swaks.test",
                "-tls", "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD,
                "--from", "app@" + lenient(), "--to", to, "--header", "Subject: " + token, "--body", "token " + token).succeeded();
        assertThat(swaks.output()).contains("<-  250 STARTTLS").contains("~> AUTH PLAIN").contains("<~  235 2.7.0 Authentication successful")
                .containsPattern("<~  250 2\\.0\\.0 Ok: queued as [0-9A-F]+");

        byte[] stored = awaitAtLenientPostfix(to, token);
        assertThat(RawMessage.unfoldedHeaders(stored)).contains("Received: from swaks.test ([127.0.0.1]) by relay.test (MailRoute) with ESMTPSA id ");
        relay.awaitLogLine("queued id=", "via=smtp client=[127.0.0.1] helo=swaks.test user=app");
    }

    @Test
    void smtplibShouldSendSeveralMessagesPerSessionPlainAndOverTlsWithLogin() {
        String prefix = Run.token("smtplib");
        List<String> replies = new ArrayList<>(smtplib(prefix, 4, List.of()));
        replies.addAll(smtplib(prefix + "-tls", 2, List.of("--starttls", "--user", USER, "--password", PASSWORD)));
        assertThat(replies).hasSize(6).allMatch(r -> r.matches("\\d+ 250 2\\.0\\.0 Ok: queued as [0-9A-F]+"), "a 250 with the queue id");
        for (int n = 0; n < 4; n++) {
            byte[] stored = awaitAtLenientPostfix(prefix + "-" + n + "@" + lenient(), prefix + "-" + n);
            // smtplib sends the bytes of email.message with bare LF line ends and adds a CRLF before the final dot:
            // MailRoute turns each bare LF into a line break of its own, hence the empty last line
            assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII))
                    .isEqualTo("token " + prefix + "-" + n + "\nend of " + prefix + "-" + n + "\n\n");
        }
        assertThat(relay.logLinesContaining("via=smtp client=[127.0.0.1] helo=smtplib.test", "sanitize=bare-lf=")).hasSizeGreaterThanOrEqualTo(4);
        for (int n = 0; n < 2; n++) {
            byte[] stored = awaitAtLenientPostfix(prefix + "-tls-" + n + "@" + lenient(), prefix + "-tls-" + n);
            assertThat(RawMessage.unfoldedHeaders(stored)).contains("Received: from smtplib.test ([127.0.0.1]) by relay.test (MailRoute) with ESMTPSA id ");
        }
    }

    private List<String> smtplib(String prefix, int count, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of("python3", RESOURCES.resolve("interop/smtp_send.py").toString(),
                "--port", String.valueOf(relay.submissionPort()), "--sender", "app@" + lenient(), "--domain", lenient(),
                "--prefix", prefix, "--count", String.valueOf(count)));
        cmd.addAll(extra);
        return ExternalCommand.run(cmd, null, Duration.ofSeconds(120)).succeeded().output().lines().toList();
    }

    @Test
    void smtpSourceShouldHaveEveryMessageDelivered() {
        String token = Run.token("smtp-source");
        ExternalCommand.run("smtp-source", "-s", "4", "-m", "40", "-l", "2000", "-M", "smtp-source.test", "-f", "app@" + lenient(),
                "-t", token + "@" + peers.get("PEERS_SINK_DOMAIN"), "-S", token, "127.0.0.1:" + relay.submissionPort()).succeeded();
        SinkDumps sink = peers.sinkDumps("SINK");
        await("40 smtp-source messages at the sink").atMost(DELIVERY).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(sink.withSubject(token)).hasSize(40));
        assertThat(relay.logLinesContaining("via=smtp client=[127.0.0.1] helo=smtp-source.test")).hasSize(40);
    }

    @Test
    void postfixWithMailRouteAsRelayhostShouldRelayThroughTheListener() throws Exception {
        String config = peers.get("PEERS_CLIENT_CONFIG_DIR");
        ExternalCommand.run("postconf", "-c", config, "-e", "relayhost = [127.0.0.1]:" + relay.submissionPort()).succeeded();
        ExternalCommand.run("postfix", "-c", config, "reload").succeeded();
        Thread.sleep(1000); // the reload reaches qmgr and the smtp clients
        String token = Run.token("postfix-client");
        String to = token + "@" + lenient();
        byte[] message = TestMessages.simple("app@" + lenient(), to, token);
        ExternalCommand.run(List.of("sendmail", "-C", config, "-f", "app@" + lenient(), to), message, Duration.ofSeconds(60)).succeeded();

        PeerLog clientLog = new PeerLog("client Postfix maillog", peers.path("PEERS_CLIENT_MAILLOG"));
        String sent = await("client Postfix relays " + to + " to MailRoute").atMost(DELIVERY)
                .until(() -> clientLog.lines().stream().filter(l -> l.contains("to=<" + to + ">") && l.contains("status=")).findFirst(),
                        l -> l.isPresent()).orElseThrow();
        assertThat(sent).contains("relay=127.0.0.1[127.0.0.1]:" + relay.submissionPort()).containsPattern("status=sent \\(250 2\\.0\\.0 Ok: queued as [0-9A-F]+\\)");
        String queueId = sent.replaceAll(".*queued as ([0-9A-F]+)\\).*", "$1");
        byte[] stored = awaitAtLenientPostfix(to, token);
        assertThat(RawMessage.unfoldedHeaders(stored)).contains("by relay.test (MailRoute) with ESMTP id " + queueId + ";")
                .contains("from " + peers.get("PEERS_CLIENT_HOSTNAME") + " ([127.0.0.1])");
        assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII)).isEqualTo("token " + token + "\nend of " + token + "\n");
    }

    /**
     * An SMTP smuggling attempt sent raw: a fake end of data made of bare LF/CR, then a second transaction. MailRoute
     * must answer one 250, and the strict Postfix (which itself refuses bare LF) must receive exactly one message,
     * holding the would-be second transaction as text, and nothing for the smuggled recipient.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\\n.\\n", "\\r.\\r", "\\n.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r"})
    void smugglingSequencesShouldNotBecomeASecondMessageAtTheStrictPostfix(String escaped) throws Exception {
        String vector = escaped.replace("\\r", "\r").replace("\\n", "\n");
        String token = Run.token("smuggle-" + escaped.replace("\\", "").replace(".", "dot"));
        String good = peers.get("PEERS_DOMAIN_GOOD");
        String to = token + "@" + good;
        String victim = "victim-" + token + "@" + good;
        String smuggled = "MAIL FROM:<evil@" + lenient() + ">\r\nRCPT TO:<" + victim + ">\r\nDATA\r\nSubject: smuggled-" + token + "\r\n\r\nsmuggled\r\n";
        List<String> replies = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", relay.submissionPort())) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            out.write(("EHLO smuggler.test\r\nMAIL FROM:<app@" + lenient() + ">\r\nRCPT TO:<" + to + ">\r\nDATA\r\n"
                    + "From: <app@" + lenient() + ">\r\nTo: <" + to + ">\r\nSubject: " + token + "\r\n\r\nfirst part" + vector + smuggled
                    + "\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                replies.add(line);
            }
        }
        assertThat(replies.stream().filter(r -> r.startsWith("250 2.0.0 Ok: queued as"))).as("replies %s", replies).hasSize(1);
        assertThat(replies.get(replies.size() - 1)).isEqualTo("221 2.0.0 Bye");

        PeerLog strict = peers.strictMaillog();
        await("strict Postfix delivery line for " + to).atMost(DELIVERY).until(() -> strict.deliveredTo(to), l -> l.isPresent());
        byte[] stored = peers.strictMaildir().messageWithSubject(token).orElseThrow();
        assertThat(new String(RawMessage.body(stored), StandardCharsets.US_ASCII)).startsWith("first part\n")
                .contains("MAIL FROM:<evil@" + lenient() + ">\nRCPT TO:<" + victim + ">\nDATA\nSubject: smuggled-" + token + "\n");
        assertThat(strict.transactionOf(to)).noneMatch(l -> l.contains("reject:")).noneMatch(l -> l.contains("bare <LF>"));
        assertThat(strict.linesContaining(victim)).isEmpty();
        assertThat(peers.strictMaildir().messageWithSubject("smuggled-" + token)).isEmpty();
        assertThat(relay.logLinesContaining(victim)).isEmpty();
    }

}
