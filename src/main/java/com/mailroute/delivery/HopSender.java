package com.mailroute.delivery;

import com.mailroute.format.LogText;
import java.util.ArrayList;
import java.util.List;

import com.mailroute.dkim.DkimSigning;
import com.mailroute.failure.Classification;
import com.mailroute.failure.FailureClassifier;
import com.mailroute.failure.Verdict;
import com.mailroute.message.MailAddress;
import com.mailroute.mime.CapabilityAdapter;
import com.mailroute.mime.SevenBitConverter;
import com.mailroute.queue.DeliveryJob;
import com.mailroute.routing.NextHop;
import com.mailroute.smtp.HopResult;
import com.mailroute.smtp.HostFailure;
import com.mailroute.smtp.MessagePreparer;
import com.mailroute.smtp.RecipientResult;
import com.mailroute.smtp.SmtpClient;
import com.mailroute.smtp.SmtpStage;
import com.mailroute.spool.MessageBytes;

/**
 * One SMTP transaction with one next hop through the shared, connection-reusing {@link SmtpClient}, with the envelope
 * given explicitly (never taken from To/Cc headers), turned into one outcome per recipient.
 */
public final class HopSender {
    private final SmtpClient smtp;
    private final SevenBitConverter converter;
    private final DkimSigning dkim;

    public HopSender(SmtpClient smtp, SevenBitConverter converter, DkimSigning dkim) {
        this.smtp = smtp;
        this.converter = converter;
        this.dkim = dkim;
    }

    /** The hop's result and the recipients' outcomes, in the job's recipient order. */
    public record Result(HopResult hop, List<DeliveryProcessor.Outcome> outcomes) {
        public boolean tryNextHost() {
            return hop.tryNextHost();
        }

        public String hostFailureText() {
            HostFailure f = hop.hostFailure();
            return f == null ? "" : f.stage().label() + ": " + (f.reply() != null ? LogText.oneLine(f.reply().text()) : f.error());
        }
    }

    public Result send(NextHop hop, DeliveryJob job) {
        // A-label domains in the envelope: every server understands them, SMTPUTF8 or not.
        String sender = job.sender().isEmpty() ? "" : MailAddress.parse(job.sender()).asciiAddress();
        List<String> rcpts = job.recipients().stream().map(r -> MailAddress.parse(r).asciiAddress()).toList();
        String remote = hop.host() + " [" + hop.address().getHostAddress() + "]";
        // DKIM signs what the capability check prepared for this host: the bytes that really go on the wire.
        MessageBytes queued = job.message();
        MessagePreparer adapter = dkim.around(new CapabilityAdapter(queued, job.sender(), job.recipients(), converter, remote),
                queued, "id=" + job.queueId() + " domain=" + job.domain() + " " + remote);
        HopResult r = smtp.deliver(hop, sender, rcpts, adapter, "id=" + job.queueId() + " domain=" + job.domain() + " attempt=" + job.attempts());
        List<DeliveryProcessor.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < job.recipients().size(); i++) {
            RecipientResult rr = r.recipients().get(i);
            outcomes.add(outcome(job.recipients().get(i), rr, r.hostFailure(), remote, r.note()));
        }
        return new Result(r, outcomes);
    }

    static DeliveryProcessor.Outcome outcome(String recipient, RecipientResult rr, HostFailure hostFailure, String remote, String note) {
        Classification c;
        int code = 0;
        String text = "";
        SmtpStage stage = rr.stage();
        if (stage == SmtpStage.POLICY && rr.reply() != null) {
            // MailRoute's own refusal after reading the host's EHLO: the reason is ours, not a reply the server gave.
            String reason = rr.reply().text().replaceFirst("^\\d{3} (\\d\\.\\d{1,3}\\.\\d{1,3} )?", "");
            c = new Classification(Verdict.PERMANENT, rr.reply().enhancedStatus(), reason);
        } else if (rr.reply() != null) {
            c = FailureClassifier.classify(rr.reply(), stage);
            code = rr.reply().code();
            text = rr.reply().text();
        } else if (hostFailure != null && hostFailure.reply() != null) {
            c = FailureClassifier.classify(hostFailure.reply(), hostFailure.stage());
            code = hostFailure.reply().code();
            text = hostFailure.reply().text();
            stage = hostFailure.stage();
        } else {
            SmtpStage s = hostFailure == null ? stage : hostFailure.stage();
            String error = hostFailure == null ? "no reply" : hostFailure.error();
            c = FailureClassifier.connectionFailure(error, s == SmtpStage.END_OF_DATA);
            stage = s;
        }
        return new DeliveryProcessor.Outcome(recipient, c, code, text, remote, stage == null ? "" : stage.label(), note);
    }
}
