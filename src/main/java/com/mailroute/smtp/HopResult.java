package com.mailroute.smtp;

import com.mailroute.routing.NextHop;

import java.util.List;

/**
 * What one attempt at one host did: the one result type of smtp/ for a hop.
 *
 * @param hostFailure      null when the session worked; set when the host could not be used (before MAIL FROM) or the
 *                         connection was lost or timed out during the transaction (then its stage is MAIL or later)
 * @param recipients       one result per recipient, in the order given: delivered, refused by the server (its reply),
 *                         failed with the connection, or refused by MailRoute's capability check, DKIM or SIZE (its
 *                         {@link PolicyRejection}, then nothing was sent to this host)
 * @param note             the {@link PreparedMessage#note()}, "" when the preparer was not reached
 * @param connectionReused true when a pooled connection from an earlier delivery carried this transaction
 */
public record HopResult(NextHop hop, HostFailure hostFailure, List<RecipientResult> recipients, String note,
                        boolean connectionReused) {

    public HopResult {
        recipients = List.copyOf(recipients);
    }

    /**
     * True when the host itself could not be used, before MAIL FROM (connection refused, timeout, a 4xx or 5xx greeting
     * or EHLO, STARTTLS required but missing or broken): the next MX should be tried now for all recipients. As with
     * Postfix, a 5xx from one MX host is not the domain's verdict; it only counts when no host is left.
     */
    public boolean tryNextHost() {
        return hostFailure != null && beforeMailFrom(hostFailure.stage());
    }

    public boolean allDelivered() {
        return recipients.stream().allMatch(RecipientResult::delivered);
    }

    private static boolean beforeMailFrom(SmtpStage stage) {
        return switch (stage) {
            case DNS, CONNECT, GREETING, EHLO, STARTTLS -> true;
            default -> false;
        };
    }
}
