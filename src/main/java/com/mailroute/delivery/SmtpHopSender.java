package com.mailroute.delivery;

import java.util.List;

import com.mailroute.dkim.DkimSigning;
import com.mailroute.message.MailAddress;
import com.mailroute.mime.CapabilityAdapter;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.routing.NextHop;
import com.mailroute.smtp.HopResult;
import com.mailroute.smtp.MessagePreparer;
import com.mailroute.smtp.SmtpClient;
import com.mailroute.spool.MessageBytes;

/**
 * One SMTP transaction with one next hop through the shared, connection-reusing {@link SmtpClient}, with the envelope
 * given explicitly (never taken from To/Cc headers); the message adapted to the host's EHLO and DKIM-signed on the way.
 */
public final class SmtpHopSender implements HopSender {
    private final SmtpClient smtp;
    private final SevenBitConverter converter;
    private final DkimSigning dkim;

    public SmtpHopSender(SmtpClient smtp, SevenBitConverter converter, DkimSigning dkim) {
        this.smtp = smtp;
        this.converter = converter;
        this.dkim = dkim;
    }

    @Override
    public HopResult send(NextHop hop, DeliveryJob job) {
        // A-label domains in the envelope: every server understands them, SMTPUTF8 or not.
        String sender = job.sender().isEmpty() ? "" : MailAddress.parse(job.sender()).asciiAddress();
        List<String> rcpts = job.recipients().stream().map(r -> MailAddress.parse(r).asciiAddress()).toList();
        String remote = RecipientOutcome.remoteHost(hop);
        // DKIM signs what the capability check prepared for this host: the bytes that really go on the wire.
        MessageBytes queued = job.message();
        MessagePreparer adapter = dkim.around(new CapabilityAdapter(queued, job.sender(), job.recipients(), converter, remote),
                queued, "id=" + job.queueId() + " domain=" + job.domain() + " " + remote);
        return smtp.deliver(hop, sender, rcpts, adapter, "id=" + job.queueId() + " domain=" + job.domain() + " attempt=" + job.attempts());
    }
}
