package com.mailroute.failure;

import com.mailroute.format.LogText;
import com.mailroute.format.Durations;
import com.mailroute.smtp.SmtpReply;
import com.mailroute.smtp.SmtpStage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns what happened in a delivery attempt into a {@link Classification}:
 * 2xx delivered, 4xx transient, 5xx permanent.
 *
 * <p>The enhanced status is the server's own when it sent one (its class digit is forced to
 * agree with the reply code, as Postfix does). Otherwise it is derived from the code, and the
 * SMTP stage refines codes whose meaning depends on the command they answer (RFC 3463 codes):
 * <pre>
 *  code  any stage         refined by stage
 *  421   4.3.2 not accepting mail (server closing)
 *  450   4.2.0 mailbox status
 *  451   4.3.0 mail system status
 *  452   4.3.1 system full      RCPT: 4.5.3 too many recipients (RFC 5321 4.5.3.1.10)
 *  454   4.7.0 security (TLS not available)
 *  455   4.5.4 invalid arguments
 *  500   5.5.2 syntax error
 *  501   5.5.4 invalid arguments
 *  502   5.5.1 invalid command
 *  503   5.5.1 invalid command (bad sequence)
 *  504   5.5.4 invalid arguments
 *  521   5.3.2 host does not accept mail (RFC 7504)
 *  550   5.0.0 undefined        RCPT: 5.1.1 bad mailbox; END_OF_DATA: 5.6.0 content refused
 *  551   5.1.6 mailbox moved
 *  552   5.2.2 mailbox full     MAIL, DATA, END_OF_DATA: 5.3.4 message too big
 *  553   5.1.3 bad address      MAIL: 5.1.7 bad sender address
 *  554   5.0.0 undefined        GREETING, CONNECT: 5.3.2 no service; RCPT: 5.7.1 not authorized
 *                               (relay denied); END_OF_DATA: 5.6.0 content refused
 *  555   5.5.4 invalid arguments
 *  556   5.1.10 domain accepts no mail (RFC 7504)
 *  other 4xx: 4.0.0, other 5xx: 5.0.0, other 2xx: 2.0.0
 * </pre>
 * A reply outside 2xx/4xx/5xx (unreadable, or an intermediate 3xx where a final answer was
 * due) is a protocol error: transient, 4.5.0.
 */
public final class FailureClassifier {

    private static final Map<Integer, String> BY_CODE = Map.ofEntries(
            Map.entry(421, "4.3.2"), Map.entry(450, "4.2.0"), Map.entry(451, "4.3.0"),
            Map.entry(452, "4.3.1"), Map.entry(454, "4.7.0"), Map.entry(455, "4.5.4"),
            Map.entry(500, "5.5.2"), Map.entry(501, "5.5.4"), Map.entry(502, "5.5.1"),
            Map.entry(503, "5.5.1"), Map.entry(504, "5.5.4"), Map.entry(521, "5.3.2"),
            Map.entry(550, "5.0.0"), Map.entry(551, "5.1.6"), Map.entry(552, "5.2.2"),
            Map.entry(553, "5.1.3"), Map.entry(554, "5.0.0"), Map.entry(555, "5.5.4"),
            Map.entry(556, "5.1.10"));

    private static final Map<SmtpStage, Map<Integer, String>> BY_STAGE = Map.of(
            SmtpStage.CONNECT, Map.of(554, "5.3.2"),
            SmtpStage.GREETING, Map.of(554, "5.3.2"),
            SmtpStage.MAIL, Map.of(552, "5.3.4", 553, "5.1.7"),
            SmtpStage.RCPT, Map.of(452, "4.5.3", 550, "5.1.1", 554, "5.7.1"),
            SmtpStage.DATA, Map.of(552, "5.3.4"),
            SmtpStage.END_OF_DATA, Map.of(550, "5.6.0", 552, "5.3.4", 554, "5.6.0"));

    // Words in a socket error that mean the connection was never made (RFC 3463 X.4.1 "no answer").
    private static final Pattern NEVER_CONNECTED = Pattern.compile(
            "refused|connect timed out|no route to host|unreachable|unknown host|unknownhost");

    private static final Pattern CODE_PREFIX = Pattern.compile("^\\d{3}[ -]?");
    private static final Pattern STATUS_PREFIX = Pattern.compile("^[245]\\.\\d{1,3}\\.\\d{1,3}\\s*");
    // compiled once: every delivered recipient's reply goes through summary()
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final Pattern FIRST_CODE_CONTINUED = Pattern.compile("^(\\d{3})-");

    private FailureClassifier() {
    }

    /** Classifies a reply whose stage is unknown: the status is derived from the code alone. */
    public static Classification classify(SmtpReply reply) {
        return classify(reply, null);
    }

    /** Classifies a reply to the command of {@code stage} (may be null when unknown). */
    public static Classification classify(SmtpReply reply, SmtpStage stage) {
        Objects.requireNonNull(reply, "reply");
        int code = reply.code();
        String at = stage == null ? "" : " at " + stage.label();
        String said = summary(reply);
        if (code >= 200 && code < 300) {
            return new Classification(Verdict.DELIVERED, status(reply, stage), "accepted" + at + ": " + said);
        }
        if (code >= 400 && code < 500) {
            return new Classification(Verdict.TRANSIENT, status(reply, stage), "temporary failure" + at + ": " + said);
        }
        if (code >= 500 && code < 600) {
            return new Classification(Verdict.PERMANENT, status(reply, stage), "permanent failure" + at + ": " + said);
        }
        return new Classification(Verdict.TRANSIENT, "4.5.0",
                "unexpected reply" + at + ": " + (said.isEmpty() ? "(nothing readable)" : said));
    }

    /**
     * A connection that could not be made (4.4.1, no answer from host) or broke off (4.4.2,
     * bad connection). Only the error text tells the two apart before the data was sent;
     * a break after the data was sent always counts as dropped, and the message may already
     * have been delivered, so a retry can produce a duplicate.
     */
    public static Classification connectionFailure(String error, boolean afterData) {
        String text = LogText.oneLine(error == null || error.isBlank() ? "unknown error" : error);
        if (afterData) {
            return new Classification(Verdict.TRANSIENT, "4.4.2",
                    "connection lost after the message data was sent (" + text
                            + "): the message may have been delivered, a retry can cause a duplicate");
        }
        boolean neverConnected = NEVER_CONNECTED.matcher(text.toLowerCase(Locale.ROOT)).find();
        return new Classification(Verdict.TRANSIENT, neverConnected ? "4.4.1" : "4.4.2",
                (neverConnected ? "could not connect: " : "connection lost: ") + text);
    }

    /**
     * The job outlived {@code mailroute.queue.max-lifetime}: give up.
     *
     * <p>Status 4.4.7 "delivery time expired" even though this is the final verdict: RFC 3463
     * defines X.4.7 as "useful only as a persistent transient error", and Sendmail reports an
     * expired message the same way (Action: failed, Status: 4.4.7). Postfix instead repeats the
     * last transient status; here the last failure stays visible in the reason (and in the
     * DSN's Diagnostic-Code, which carries the last reply).
     *
     * @param last the last attempt's classification, or null when no attempt was made
     */
    public static Classification expired(Duration lifetime, Classification last) {
        String reason = "gave up after " + Durations.format(lifetime) + " in the queue"
                + (last == null ? " without a delivery attempt" : "; last attempt: " + last.reason());
        return new Classification(Verdict.PERMANENT, "4.4.7", reason);
    }

    private static String status(SmtpReply reply, SmtpStage stage) {
        char replyClass = Integer.toString(reply.code()).charAt(0);
        String given = reply.enhancedStatus();
        if (given != null && !given.isEmpty()) {
            return replyClass + given.substring(1);
        }
        Map<Integer, String> forStage = stage == null ? Map.of() : BY_STAGE.getOrDefault(stage, Map.of());
        String derived = forStage.getOrDefault(reply.code(), BY_CODE.get(reply.code()));
        return derived != null ? derived : replyClass + ".0.0";
    }

    /**
     * The reply on one line: the code, then the text of every line without the repeated
     * code and enhanced status prefixes ("550 5.1.1 No such user here").
     */
    private static String summary(SmtpReply reply) {
        String[] lines = reply.text() == null ? new String[0] : LINE_BREAK.split(reply.text());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (i == 0) {
                b.append(FIRST_CODE_CONTINUED.matcher(line).replaceFirst("$1 "));
                continue;
            }
            String rest = CODE_PREFIX.matcher(line).replaceFirst("");
            rest = STATUS_PREFIX.matcher(rest).replaceFirst("");
            if (!rest.isEmpty()) {
                b.append(' ').append(rest);
            }
        }
        return LogText.oneLine(b.toString());
    }
}
