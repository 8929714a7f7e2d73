package com.mailroute.queue;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mailroute.spool.MessageBytes;

/**
 * One delivery job: one accepted message for the recipients of one domain. Travels on
 * mailroute.outbound as a BytesMessage (the message as queued; a large one as an Artemis large message) with the
 * envelope in JMS properties.
 */
public record DeliveryJob(String queueId, String jobId, String sender, List<String> recipients, String domain,
                          Instant acceptedAt, String wayIn, int attempts, Instant firstAttempt, String sanitizeReport,
                          boolean delayWarned, int internalErrors, MessageBytes message) {

    public static final String QUEUE_ID = "MailRouteId";
    public static final String JOB_ID = "MailRouteJobId";
    public static final String MAIL_FROM = "MailFrom";
    public static final String RCPT_TO = "RcptTo";
    public static final String DOMAIN = "Domain";
    public static final String ACCEPTED_AT = "AcceptedAt";
    public static final String WAY_IN = "WayIn";
    public static final String ATTEMPTS = "Attempts";
    public static final String FIRST_ATTEMPT = "FirstAttempt";
    public static final String SANITIZE_REPORT = "SanitizeReport";
    public static final String DELAY_WARNED = "DelayWarned";
    public static final String INTERNAL_ERRORS = "InternalErrors";

    /** JMS properties for this job (valid Java identifiers, as Artemis requires). */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(QUEUE_ID, queueId);
        p.put(JOB_ID, jobId);
        p.put(MAIL_FROM, sender);
        p.put(RCPT_TO, String.join(",", recipients));
        p.put(DOMAIN, domain);
        p.put(ACCEPTED_AT, acceptedAt.toEpochMilli());
        p.put(WAY_IN, wayIn);
        p.put(ATTEMPTS, attempts);
        if (firstAttempt != null) {
            p.put(FIRST_ATTEMPT, firstAttempt.toEpochMilli());
        }
        p.put(SANITIZE_REPORT, sanitizeReport == null ? "" : sanitizeReport);
        p.put(DELAY_WARNED, delayWarned);
        if (internalErrors > 0) {
            p.put(INTERNAL_ERRORS, internalErrors);
        }
        return p;
    }

    /** Rebuilds a job from the headers Camel's JMS consumer exposes. */
    public static DeliveryJob fromHeaders(Map<String, Object> h, MessageBytes message) {
        String rcpt = string(h, RCPT_TO);
        return new DeliveryJob(string(h, QUEUE_ID), string(h, JOB_ID), string(h, MAIL_FROM),
                rcpt.isEmpty() ? List.of() : Arrays.asList(rcpt.split(",")), string(h, DOMAIN),
                Instant.ofEpochMilli(number(h, ACCEPTED_AT, 0)), string(h, WAY_IN), (int) number(h, ATTEMPTS, 0),
                h.get(FIRST_ATTEMPT) == null ? null : Instant.ofEpochMilli(number(h, FIRST_ATTEMPT, 0)),
                string(h, SANITIZE_REPORT), Boolean.parseBoolean(string(h, DELAY_WARNED)), (int) number(h, INTERNAL_ERRORS, 0), message);
    }

    public DeliveryJob withRecipients(List<String> remaining) {
        return new DeliveryJob(queueId, jobId, sender, List.copyOf(remaining), domain, acceptedAt, wayIn, attempts, firstAttempt, sanitizeReport, delayWarned, internalErrors, message);
    }

    public DeliveryJob afterAttempt(Instant when) {
        return new DeliveryJob(queueId, jobId, sender, recipients, domain, acceptedAt, wayIn, attempts + 1,
                firstAttempt == null ? when : firstAttempt, sanitizeReport, delayWarned, internalErrors, message);
    }

    public DeliveryJob delayWarningSent() {
        return new DeliveryJob(queueId, jobId, sender, recipients, domain, acceptedAt, wayIn, attempts, firstAttempt, sanitizeReport, true, internalErrors, message);
    }

    /** The same message for the same recipients as a fresh job: attempts and lifetime start again. */
    public DeliveryJob fresh(Instant now) {
        return new DeliveryJob(queueId, jobId, sender, recipients, domain, now, wayIn, 0, null, sanitizeReport, false, 0, message);
    }

    /** Attempts in a row that ended in an unexpected error of MailRoute's own, so a repeating one stops being retried. */
    public DeliveryJob withInternalErrors(int count) {
        return new DeliveryJob(queueId, jobId, sender, recipients, domain, acceptedAt, wayIn, attempts, firstAttempt, sanitizeReport,
                delayWarned, count, message);
    }

    /** A JMS property as text, "" when absent. */
    public static String string(Map<String, Object> h, String key) {
        Object v = h.get(key);
        return v == null ? "" : v.toString();
    }

    /** A JMS property as a number, whether it travelled as a number or as text. */
    public static long number(Map<String, Object> h, String key, long dflt) {
        Object v = h.get(key);
        if (v instanceof Number n) {
            return n.longValue();
        }
        return v == null || v.toString().isEmpty() ? dflt : Long.parseLong(v.toString());
    }
}
