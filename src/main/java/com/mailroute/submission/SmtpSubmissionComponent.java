package com.mailroute.submission;

import com.mailroute.spool.Spool;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * Camel component {@code smtp-submission:HOST:PORT}: a route consuming from it gets one exchange per message
 * received over SMTP. The listener's other settings (policy, users, TLS, limits) come from MailRoute's settings.
 */
public final class SmtpSubmissionComponent extends DefaultComponent {
    private final SubmissionConfig config;
    private final Spool spool;

    public SmtpSubmissionComponent(SubmissionConfig config, Spool spool) {
        this.config = config;
        this.spool = spool;
    }

    /** Where a large message's DATA is kept while it is accepted. */
    Spool spool() {
        return spool;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        int colon = remaining.lastIndexOf(':');
        if (colon <= 0 || !remaining.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("smtp-submission endpoint needs HOST:PORT, e.g. smtp-submission:127.0.0.1:2525, not '" + remaining + "'");
        }
        String host = remaining.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new SmtpSubmissionEndpoint(uri, this, config.at(host, Integer.parseInt(remaining.substring(colon + 1))));
    }
}
