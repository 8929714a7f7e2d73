package com.mailroute.delivery;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Properties;

import com.mailroute.queue.DeliveryJob;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Placeholder delivery through a static next hop or the relayhost, until MX delivery lands. */
public final class DeliveryProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);
    private final Map<String, String> transports;
    private final String relayhost;
    private final String heloName;

    public DeliveryProcessor(Map<String, String> transports, String relayhost, String heloName) {
        this.transports = transports;
        this.relayhost = relayhost;
        this.heloName = heloName;
    }

    public void deliver(Exchange exchange) throws Exception {
        DeliveryJob job = DeliveryJob.fromHeaders(exchange.getMessage().getHeaders(), exchange.getMessage().getBody(byte[].class));
        String hop = transports.getOrDefault(job.domain(), relayhost);
        String host = hop.contains(":") ? hop.substring(0, hop.lastIndexOf(':')) : hop;
        int port = hop.contains(":") ? Integer.parseInt(hop.substring(hop.lastIndexOf(':') + 1)) : 25;
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.from", job.sender());
        p.put("mail.smtp.localhost", heloName);
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(job.message()));
        Address[] rcpts = job.recipients().stream().map(r -> {
            try {
                return new InternetAddress(r, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toArray(Address[]::new);
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, rcpts);
        }
        LOG.info("delivered id={} domain={} host={}:{} rcpts={}", job.queueId(), job.domain(), host, port, job.recipients());
    }
}
