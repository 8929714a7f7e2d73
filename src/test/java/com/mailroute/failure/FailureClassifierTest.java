package com.mailroute.failure;

import static org.assertj.core.api.Assertions.assertThat;

import com.mailroute.smtp.SmtpReply;
import com.mailroute.smtp.SmtpStage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "250 2.0.0 Ok: queued as 4XyZ      | DELIVERED | 2.0.0",
            "250 Ok                            | DELIVERED | 2.0.0",
            "421 Service not available         | TRANSIENT | 4.3.2",
            "450 Mailbox busy                  | TRANSIENT | 4.2.0",
            "451 See http://pobox.com/~djb/docs/smtplf.html. | TRANSIENT | 4.3.0",
            "452 Insufficient system storage   | TRANSIENT | 4.3.1",
            "450 4.3.0 Error: command failed   | TRANSIENT | 4.3.0",
            "550 User unknown                  | PERMANENT | 5.0.0",
            "552 Mailbox full                  | PERMANENT | 5.2.2",
            "554 Transaction failed            | PERMANENT | 5.0.0",
            "550 5.1.1 <x@example.com>: Recipient address rejected | PERMANENT | 5.1.1",
            "552 5.3.4 Message size exceeds fixed limit | PERMANENT | 5.3.4",
            "554 5.6.0 custom text             | PERMANENT | 5.6.0"
    })
    void classifyShouldFollowTheReplyCodeClass(String raw, Verdict verdict, String status) {
        Classification c = FailureClassifier.classify(SmtpReply.parse(raw));

        assertThat(c.verdict()).isEqualTo(verdict);
        assertThat(c.enhancedStatus()).isEqualTo(status);
        assertThat(c.reason()).contains(raw.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "550 No such user      | RCPT        | 5.1.1",
            "554 Relay access denied | RCPT      | 5.7.1",
            "452 Too many recipients | RCPT      | 4.5.3",
            "552 Message too big   | END_OF_DATA | 5.3.4",
            "552 Size limit        | MAIL        | 5.3.4",
            "554 Content rejected  | END_OF_DATA | 5.6.0",
            "550 Content rejected  | END_OF_DATA | 5.6.0",
            "554 No SMTP service here | GREETING | 5.3.2",
            "553 Bad sender        | MAIL        | 5.1.7",
            "550 Sender denied     | MAIL        | 5.0.0",
            "451 Local error       | END_OF_DATA | 4.3.0",
            "500 Syntax error      | EHLO        | 5.5.2",
            "503 Bad sequence      | DATA        | 5.5.1",
            "599 Something odd     | RCPT        | 5.0.0",
            "499 Something odd     | RCPT        | 4.0.0"
    })
    void classifyShouldDeriveTheStatusFromCodeAndStage(String raw, SmtpStage stage, String status) {
        Classification c = FailureClassifier.classify(SmtpReply.parse(raw), stage);

        assertThat(c.enhancedStatus()).isEqualTo(status);
        assertThat(c.reason()).contains("at " + stage.label()).contains(raw.strip());
    }

    @Test
    void classifyShouldPreferTheServersStatusOverTheDerivedOne() {
        Classification c = FailureClassifier.classify(SmtpReply.parse("550 5.7.1 Relaying denied"), SmtpStage.RCPT);

        assertThat(c.enhancedStatus()).isEqualTo("5.7.1");
    }

    @Test
    void classifyShouldMakeTheStatusClassAgreeWithTheReplyCode() {
        Classification c = FailureClassifier.classify(SmtpReply.parse("550 4.1.1 Mixed up server"));

        assertThat(c.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(c.enhancedStatus()).isEqualTo("5.1.1");
    }

    @Test
    void classifyShouldPutAMultiLineReplyOnOneLine() {
        SmtpReply reply = SmtpReply.parse("550-5.1.1 The email account that you tried to reach does not exist.\r\n"
                + "550-5.1.1 Please try double-checking the recipient's email\r\n"
                + "550 5.1.1 address for typos. x.example - gsmtp");

        Classification c = FailureClassifier.classify(reply, SmtpStage.RCPT);

        assertThat(c.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(c.enhancedStatus()).isEqualTo("5.1.1");
        assertThat(c.reason()).isEqualTo("permanent failure at rcpt: 550 5.1.1 The email account that you tried to"
                + " reach does not exist. Please try double-checking the recipient's email address for typos."
                + " x.example - gsmtp");
    }

    @Test
    void classifyShouldTreatAnUnreadableReplyAsATransientProtocolError() {
        Classification c = FailureClassifier.classify(SmtpReply.parse("garbage"), SmtpStage.END_OF_DATA);

        assertThat(c.verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(c.enhancedStatus()).isEqualTo("4.5.0");
        assertThat(c.reason()).isEqualTo("unexpected reply at end of data: garbage");
    }

    @Test
    void classifyShouldTreatAnIntermediateReplyAsATransientProtocolError() {
        Classification c = FailureClassifier.classify(SmtpReply.parse("354 End data with <CR><LF>.<CR><LF>"));

        assertThat(c.verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(c.enhancedStatus()).isEqualTo("4.5.0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Connection refused                 | 4.4.1",
            "connect timed out                  | 4.4.1",
            "No route to host                   | 4.4.1",
            "Network is unreachable             | 4.4.1",
            "Connection reset                   | 4.4.2",
            "Read timed out                     | 4.4.2",
            "server closed the connection during RCPT | 4.4.2"
    })
    void connectionFailureShouldBeTransientAndTellNoAnswerFromDropped(String error, String status) {
        Classification c = FailureClassifier.connectionFailure(error, false);

        assertThat(c.verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(c.enhancedStatus()).isEqualTo(status);
        assertThat(c.reason()).contains(error.strip()).doesNotContain("may have been delivered");
    }

    @Test
    void connectionFailureAfterDataShouldSayTheMessageMayHaveBeenDelivered() {
        Classification c = FailureClassifier.connectionFailure("Connection reset\nby peer", true);

        assertThat(c.verdict()).isEqualTo(Verdict.TRANSIENT);
        assertThat(c.enhancedStatus()).isEqualTo("4.4.2");
        assertThat(c.reason()).contains("may have been delivered").contains("Connection reset / by peer")
                .doesNotContain("\n");
    }

    @Test
    void expiredShouldGiveUpWithDeliveryTimeExpiredAndKeepTheLastReason() {
        Classification last = FailureClassifier.classify(SmtpReply.parse("451 4.3.0 Try later"), SmtpStage.RCPT);

        Classification c = FailureClassifier.expired(Duration.ofDays(5), last);

        assertThat(c.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(c.enhancedStatus()).isEqualTo("4.4.7");
        assertThat(c.reason()).isEqualTo("gave up after 5d in the queue; last attempt: temporary failure at rcpt: 451 4.3.0 Try later");
    }

    @Test
    void expiredWithoutAnAttemptShouldSaySo() {
        Classification c = FailureClassifier.expired(Duration.ofHours(4), null);

        assertThat(c.reason()).isEqualTo("gave up after 4h in the queue without a delivery attempt");
    }
}
