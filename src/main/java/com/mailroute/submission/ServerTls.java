package com.mailroute.submission;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Properties;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import com.mailroute.settings.Settings;
import de.dentrassi.crypto.pem.PemKeyStoreProvider;

/**
 * The listener's STARTTLS side: key and certificate chain from PEM files (PKCS#8 or PKCS#1 keys,
 * as certbot or openssl write them), TLS 1.2 and 1.3 only, the JDK's default cipher suites.
 */
public final class ServerTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private final SSLContext context;

    private ServerTls(SSLContext context) {
        this.context = context;
    }

    public static ServerTls load(Path cert, Path key) {
        for (Object[] f : new Object[][] {{"mailroute.submission.tls.cert", cert}, {"mailroute.submission.tls.key", key}}) {
            if (!Files.isReadable((Path) f[1])) {
                throw new Settings.SettingsException((String) f[0], f[1].toString(), "cannot read this file");
            }
        }
        try {
            Properties p = new Properties();
            p.setProperty("alias", "submission");
            p.setProperty("source.key", key.toAbsolutePath().toString());
            p.setProperty("source.cert", cert.toAbsolutePath().toString());
            ByteArrayOutputStream config = new ByteArrayOutputStream();
            p.store(config, null);
            KeyStore store = KeyStore.getInstance("PEMCFG", new PemKeyStoreProvider());
            store.load(new ByteArrayInputStream(config.toByteArray()), new char[0]);
            if (!store.isKeyEntry("submission")) {
                throw new GeneralSecurityException("no private key found in " + key);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new ServerTls(ctx);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new Settings.SettingsException("mailroute.submission.tls.key", key.toString(), "cannot use this key with certificate "
                    + cert + ": " + e.getMessage());
        }
    }

    /** Wraps the client's plain socket after "220 Ready to start TLS"; no reverse DNS lookup of the client. */
    SSLSocket wrap(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(Arrays.stream(PROTOCOLS).filter(p -> Arrays.asList(s.getSupportedProtocols()).contains(p)).toArray(String[]::new));
        return s;
    }
}
