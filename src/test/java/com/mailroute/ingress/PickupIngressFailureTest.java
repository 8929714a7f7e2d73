package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.mailroute.queue.JobQueue;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pickup file MailRoute fails on (not a refusal) is retried a bounded number of times, then kept in badmail/ with the cause. */
class PickupIngressFailureTest {
    private static final byte[] FILE = "x-receiver: a@b.test\r\nSubject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path badmail;
    @TempDir
    Path pickup;
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void aRepeatedFailureShouldMoveTheFileToBadmailWithItsCauseAfterTheLastAttempt() throws Exception {
        PickupIngress ingress = new PickupIngress(null, badmail, 3, 1024);
        Exception bug = new org.apache.camel.CamelExecutionException("Exception occurred during execution on the exchange",
                null, new IllegalStateException("converted message still holds byte 0xc7"));

        assertThatThrownBy(() -> ingress.failed(failedWith(bug))).isSameAs(bug);
        assertThatThrownBy(() -> ingress.failed(failedWith(bug))).isSameAs(bug);
        assertThat(badmail.resolve("m1.eml")).doesNotExist();

        ingress.failed(failedWith(bug));   // the third attempt: no exception, so the file is done with (deleted from pickup)
        assertThat(badmail.resolve("m1.eml")).hasBinaryContent(FILE);
        assertThat(Files.readString(badmail.resolve("m1.eml.reason")))
                .isEqualTo("not accepted after 3 attempts: IllegalStateException: converted message still holds byte 0xc7\n");
    }

    @Test
    void aBrokerOutageShouldKeepTheFileInPickupHoweverOftenItFails() {
        PickupIngress ingress = new PickupIngress(null, badmail, 3, 1024);
        Exception outage = new JobQueue.BrokerUnavailableException("the broker did not commit the message: AMQ219010", null);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> ingress.failed(failedWith(outage))).isSameAs(outage);
        }
        assertThat(badmail).isEmptyDirectory();
    }

    private Exchange failedWith(Exception e) throws Exception {
        Path file = Files.write(pickup.resolve("m1.eml"), FILE);
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(file.toFile());
        exchange.getMessage().setHeader(Exchange.FILE_NAME_ONLY, "m1.eml");
        exchange.getMessage().setHeader(Exchange.FILE_PATH, file.toString());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        return exchange;
    }
}
