package com.mailroute.smtp;

import com.mailroute.routing.NextHop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Opportunistic STARTTLS against a host with a self-signed certificate. */
class StartTlsTest {

    @Test
    void mayPolicyShouldUseStartTlsWithASelfSignedCertificate(@TempDir Path dir) throws Exception {
        SSLContext tls = selfSignedContext(dir);
        java.util.concurrent.atomic.AtomicInteger tlsSessions = new java.util.concurrent.atomic.AtomicInteger();
        List<byte[]> received = new CopyOnWriteArrayList<>();
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getByName("127.0.0.1")).insertReceivedHeaders(false)
                .enableTLS().startTlsSocketFactory(socket -> {
                    // count the handshakes the server performs: proof that the session went through STARTTLS
                    javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                            .createSocket(socket, "127.0.0.1", socket.getPort(), true);
                    ssl.setUseClientMode(false);
                    tlsSessions.incrementAndGet();
                    return ssl;
                })
                .messageHandlerFactory(context -> new MessageHandler() {
                    public void from(String from) {
                    }

                    public void recipient(String recipient) {
                    }

                    public String data(InputStream data) throws java.io.IOException {
                        received.add(data.readAllBytes());
                        return null;
                    }

                    public void done() {
                    }
                }).build();
        server.start();
        try (SmtpClient client = new SmtpClient(SmtpFixtures.withTimeouts(SmtpFixtures.settings("relay.mailroute.test", TlsPolicy.MAY),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)))) {
            NextHop hop = new NextHop("tls.test", InetAddress.getByName("127.0.0.1"), server.getPortAllocated(), "mx 10");

            HopResult result = client.deliver(hop, "a@sender.test", List.of("b@rcpt.test"),
                    caps -> SmtpFixtures.asIs(SmtpClientSubEthaTest.MESSAGE));

            assertThat(result.allDelivered()).isTrue();
            assertThat(tlsSessions).hasValue(1);
            assertThat(received).singleElement().isEqualTo(SmtpClientSubEthaTest.MESSAGE);
        } finally {
            server.stop();
        }
    }

    private static SSLContext selfSignedContext(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "smtp", "-keyalg", "RSA",
                "-keysize", "2048", "-dname", "CN=tls.test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
