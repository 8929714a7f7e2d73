package com.mailroute.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.mailroute.failure.Verdict;
import com.mailroute.smtp.HostFailure;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.RecipientResult;
import com.mailroute.smtp.SmtpReply;
import com.mailroute.smtp.SmtpStage;
import org.junit.jupiter.api.Test;

class HopSenderOutcomeTest {

    private static final String BOB = "bob@example.org";
    private static final String REMOTE = "mx.example.org [192.0.2.25]";

    @Test
    void outcomeShouldBeDeliveredForA250AfterTheData() {
        SmtpReply ok = SmtpReply.parse("250 2.0.0 Ok: queued as 4F1A2B");

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, true, ok, SmtpStage.END_OF_DATA),
                null, REMOTE, "converted 8bit→7bit: 1 part, 0 headers");

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

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, reply, SmtpStage.RCPT), null, REMOTE, "");

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

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, reply, SmtpStage.RCPT), null, REMOTE, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("4.2.0");
        assertThat(o.stage()).isEqualTo("rcpt");
    }

    @Test
    void outcomeShouldUseTheHostFailureReplyWhenTheRecipientHasNone() {
        SmtpReply greeting = SmtpReply.parse("421 4.3.2 mx.example.org Service not available, closing channel");
        HostFailure failure = new HostFailure(SmtpStage.GREETING, greeting, "greeting refused", false);

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, null, null), failure, REMOTE, "");

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

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, null, SmtpStage.END_OF_DATA),
                failure, REMOTE, "");

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

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, null, null), failure, REMOTE, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(o.classification().enhancedStatus()).isEqualTo("4.4.1");
        assertThat(o.classification().reason()).isEqualTo("could not connect: connection refused");
        assertThat(o.stage()).isEqualTo("connect");
    }

    @Test
    void outcomeShouldBePermanentForAPolicyRejectionAndNotPassItOffAsTheServersReply() {
        SmtpReply reply = new PolicyRejection("5.6.7",
                "the message needs SMTPUTF8 (UTF-8 in a mailbox local part) and " + REMOTE + " does not announce SMTPUTF8").toReply();

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, reply, SmtpStage.POLICY), null, REMOTE, "");

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
    void outcomeShouldPreferTheRecipientsOwnReplyOverTheHostFailure() {
        SmtpReply rcpt = SmtpReply.parse("550 5.7.1 relaying denied");
        HostFailure later = new HostFailure(SmtpStage.DATA, null, "connection reset", false);

        DeliveryProcessor.Outcome o = HopSender.outcome(BOB, new RecipientResult(BOB, false, rcpt, SmtpStage.RCPT), later, REMOTE, "");

        assertThat(o.classification().verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(o.reply()).isEqualTo("550 5.7.1 relaying denied");
        assertThat(o.stage()).isEqualTo("rcpt");
    }
}
