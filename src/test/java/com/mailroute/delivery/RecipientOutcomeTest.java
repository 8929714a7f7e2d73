package com.mailroute.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import com.mailroute.failure.Verdict;
import com.mailroute.routing.NextHop;
import com.mailroute.smtp.HopResult;
import com.mailroute.smtp.HostFailure;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.RecipientResult;
import com.mailroute.smtp.SmtpReply;
import com.mailroute.smtp.SmtpStage;
import org.junit.jupiter.api.Test;

/** What one host's answer means for one recipient: the classification and the evidence kept for the log, dead letter and DSN. */
class RecipientOutcomeTest {

    private static final String BOB = "bob@example.org";
    private static final String REMOTE = "mx.example.org [192.0.2.25]";
    private static final NextHop HOP = hop();

    private static NextHop hop() {
        try {
            return new NextHop("mx.example.org", InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 25}), 25, "mx 10");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The outcome for BOB when the attempt at HOP ended with {@code result} (and {@code failure} for the session). */
    private static RecipientOutcome outcome(RecipientResult result, HostFailure failure, String note) {
        List<RecipientOutcome> outcomes = RecipientOutcome.of(List.of(BOB), new HopResult(HOP, failure, List.of(result), note, false));
        assertThat(outcomes).hasSize(1);
        return outcomes.get(0);
    }

    @Test
    void outcomeShouldBeDeliveredForA250AfterTheData() {
        SmtpReply ok = SmtpReply.parse("250 2.0.0 Ok: queued as 4F1A2B");

        RecipientOutcome o = outcome(RecipientResult.delivered(BOB, ok), null, "converted 8bit→7bit: 1 part, 0 headers");

        assertThat(o.recipient()).isEqualTo(BOB);
        assertThat(o.classification().verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(o.classification().enhancedStatus()).isEqualTo("2.0.0");
        assertThat(o.replyCode()).isEqualTo(250);
        assertThat(o.reply()).isEqualTo("250 2.0.0 Ok: queued as 4F1A2B");
        assertThat(o.remoteHost()).isEqualTo(REMOTE);
        assertThat(o.stage()).isEqualTo("end of data");
        assertThat(o.note()).isEqualTo("converted 8bit→7bit: 1 part, 0 headers");
    }

    @Test
    void outcomeShouldBePermanentForARcpt550KeepingTheReplyVerbatim() {
        String text = "550-5.1.1 <bob@example.org>: Recipient address rejected:\r\n550 5.1.1 User unknown in virtual mailbox table";
        SmtpReply reply = SmtpReply.parse(text);

        RecipientOutcome o = outcome(RecipientResult.failed(BOB, reply, SmtpStage.RCPT), null, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("5.1.1");
        assertThat(o.replyCode()).isEqualTo(550);
        assertThat(o.reply()).isEqualTo(text);
        assertThat(o.stage()).isEqualTo("rcpt");
        assertThat(o.remoteHost()).isEqualTo(REMOTE);
    }

    @Test
    void outcomeShouldBeTransientForA450AtRcpt() {
        SmtpReply reply = SmtpReply.parse("450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted");

        RecipientOutcome o = outcome(RecipientResult.failed(BOB, reply, SmtpStage.RCPT), null, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("4.2.0");
        assertThat(o.stage()).isEqualTo("rcpt");
    }

    @Test
    void outcomeShouldUseTheHostFailureReplyWhenTheRecipientHasNone() {
        SmtpReply greeting = SmtpReply.parse("421 4.3.2 mx.example.org Service not available, closing channel");
        HostFailure failure = new HostFailure(SmtpStage.GREETING, greeting, "greeting refused", false);

        RecipientOutcome o = outcome(RecipientResult.failed(BOB, null, null), failure, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("4.3.2");
        assertThat(o.replyCode()).isEqualTo(421);
        assertThat(o.reply()).isEqualTo("421 4.3.2 mx.example.org Service not available, closing channel");
        assertThat(o.stage()).isEqualTo("greeting");
    }

    @Test
    void outcomeShouldBeTransientAndWarnOfADuplicateWhenTheConnectionDropsAfterTheData() {
        HostFailure failure = new HostFailure(SmtpStage.END_OF_DATA, null,
                "connection dropped after end of data, before the reply: the message may have been delivered", false);

        RecipientOutcome o = outcome(RecipientResult.failed(BOB, null, SmtpStage.END_OF_DATA), failure, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("4.4.2");
        assertThat(o.classification().reason())
                .startsWith("connection lost after the message data was sent (connection dropped after end of data")
                .contains("may have been delivered");
        assertThat(o.replyCode()).isZero();
        assertThat(o.reply()).isEmpty();
        assertThat(o.stage()).isEqualTo("end of data");
    }

    @Test
    void outcomeShouldBeTransientWhenTheHostRefusedTheConnection() {
        HostFailure failure = new HostFailure(SmtpStage.CONNECT, null, "connection refused", false);

        RecipientOutcome o = outcome(RecipientResult.failed(BOB, null, null), failure, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("4.4.1");
        assertThat(o.classification().reason()).isEqualTo("could not connect: connection refused");
        assertThat(o.stage()).isEqualTo("connect");
    }

    @Test
    void outcomeShouldBePermanentForAPolicyRejectionAndNotPassItOffAsTheServersReply() {
        PolicyRejection refusal = new PolicyRejection("5.6.7",
                "the message needs SMTPUTF8 (UTF-8 in a mailbox local part) and " + REMOTE + " does not announce SMTPUTF8");

        RecipientOutcome o = outcome(RecipientResult.refused(BOB, refusal), null, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("5.6.7");
        assertThat(o.replyCode()).isZero();
        assertThat(o.reply()).isEmpty();
        assertThat(o.classification().reason()).isEqualTo("the message needs SMTPUTF8 (UTF-8 in a mailbox local part) and "
                + REMOTE + " does not announce SMTPUTF8");
        assertThat(o.remoteHost()).isEqualTo(REMOTE);
        assertThat(o.stage()).isEqualTo("policy");
    }

    @Test
    void outcomeShouldKeepTheJobsSpellingOfTheRecipientAndItsOrder() {
        SmtpReply ok = SmtpReply.parse("250 2.0.0 Ok");
        SmtpReply unknown = SmtpReply.parse("550 5.1.1 unknown");
        HopResult r = new HopResult(HOP, null, List.of(RecipientResult.failed("xn--dylan-9ra@example.org", unknown, SmtpStage.RCPT),
                RecipientResult.delivered(BOB, ok)), "", true);

        List<RecipientOutcome> outcomes = RecipientOutcome.of(List.of("dylän@example.org", BOB), r);

        assertThat(outcomes).extracting(RecipientOutcome::recipient, RecipientOutcome::replyCode)
                .containsExactly(tuple("dylän@example.org", 550), tuple(BOB, 250));
    }

    @Test
    void outcomeShouldPreferTheRecipientsOwnReplyOverTheHostFailure() {
        SmtpReply rcpt = SmtpReply.parse("550 5.7.1 relaying denied");
        HostFailure later = new HostFailure(SmtpStage.DATA, null, "connection reset", false);

        RecipientOutcome o = outcome(RecipientResult.failed(BOB, rcpt, SmtpStage.RCPT), later, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(o.reply()).isEqualTo("550 5.7.1 relaying denied");
        assertThat(o.stage()).isEqualTo("rcpt");
    }
}
