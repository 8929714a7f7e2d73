package com.mailroute.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.mailroute.failure.Classification;
import com.mailroute.failure.FailureClassifier;
import com.mailroute.failure.Verdict;
import com.mailroute.routing.NextHop;
import com.mailroute.smtp.HopResult;
import com.mailroute.smtp.HostFailure;
import com.mailroute.smtp.RecipientResult;
import com.mailroute.smtp.SmtpStage;

/**
 * What one attempt means for one recipient — its {@link Classification} (delivered, try again, give up) — with the
 * evidence that goes to the log line, the dead letter and the DSN. The one per-recipient result type of delivery/.
 *
 * @param replyCode  the code of the server reply that decided it; 0 when no server reply did (connection failure,
 *                   DNS, MailRoute's own refusal or error)
 * @param reply      that reply verbatim, "" when none
 * @param remoteHost "host [address]" of the host tried, "" when none was reached
 * @param stage      where it was decided ("rcpt", "end of data", "policy", "dns", ...), "" for MailRoute's own error
 * @param note       what MailRoute did to the message for this host (e.g. the 8bit→7bit conversion), "" when nothing
 */
record RecipientOutcome(String recipient, Classification classification, int replyCode, String reply, String remoteHost,
                        String stage, String note) {

    /** The outcomes of one attempt at one host, for the job's recipients (as the job spells them) in order. */
    static List<RecipientOutcome> of(List<String> recipients, HopResult hop) {
        if (hop.recipients().size() != recipients.size()) {
            throw new IllegalStateException("the result from " + hop.hop() + " has " + hop.recipients().size()
                    + " recipients, the job " + recipients.size());
        }
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            outcomes.add(of(recipients.get(i), hop.recipients().get(i), hop));
        }
        return outcomes;
    }

    /** Nothing reached a host (DNS failed, or MailRoute failed): the same outcome for the recipient, no reply. */
    static RecipientOutcome unsent(String recipient, Classification classification, String stage) {
        return new RecipientOutcome(recipient, classification, 0, "", "", stage, "");
    }

    /** This transient failure, now final because the job outlived {@code lifetime}; the evidence stays. */
    RecipientOutcome expired(Duration lifetime) {
        return new RecipientOutcome(recipient, FailureClassifier.expired(lifetime, classification), replyCode, reply, remoteHost,
                stage, note);
    }

    /** "host [address]": how logs, dead letters and DSNs name the host that answered. */
    static String remoteHost(NextHop hop) {
        return hop.host() + " [" + hop.address().getHostAddress() + "]";
    }

    private static RecipientOutcome of(String recipient, RecipientResult result, HopResult hop) {
        String remote = remoteHost(hop.hop());
        HostFailure failure = hop.hostFailure();
        if (result.refusal() != null) {
            // MailRoute's own refusal after reading the host's EHLO: the reason is ours, and no server said anything.
            Classification c = new Classification(Verdict.PERMANENT, result.refusal().enhancedStatus(), result.refusal().reason());
            return new RecipientOutcome(recipient, c, 0, "", remote, SmtpStage.POLICY.label(), hop.note());
        }
        if (result.reply() != null) {
            return new RecipientOutcome(recipient, FailureClassifier.classify(result.reply(), result.stage()), result.reply().code(),
                    result.reply().text(), remote, label(result.stage()), hop.note());
        }
        if (failure != null && failure.reply() != null) {
            return new RecipientOutcome(recipient, FailureClassifier.classify(failure.reply(), failure.stage()), failure.reply().code(),
                    failure.reply().text(), remote, failure.stage().label(), hop.note());
        }
        SmtpStage stage = failure == null ? result.stage() : failure.stage();
        Classification c = FailureClassifier.connectionFailure(failure == null ? "no reply" : failure.error(), stage == SmtpStage.END_OF_DATA);
        return new RecipientOutcome(recipient, c, 0, "", remote, label(stage), hop.note());
    }

    private static String label(SmtpStage stage) {
        return stage == null ? "" : stage.label();
    }
}
