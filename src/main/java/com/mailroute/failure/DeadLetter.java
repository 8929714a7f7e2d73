package com.mailroute.failure;

import com.mailroute.spool.MessageBytes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mailroute.queue.DeliveryJob;

import static com.mailroute.queue.DeliveryJob.number;
import static com.mailroute.queue.DeliveryJob.string;

/**
 * A job MailRoute gave up on, with the evidence: the final reply exactly as received, who gave it,
 * at which SMTP stage, after how many attempts, and why. Kept on mailroute.dead with the message.
 */
public record DeadLetter(String id, DeliveryJob job, int replyCode, String enhancedStatus, String reply, String remoteHost,
                         String stage, Instant lastAttempt, String reason) {

    public static final String ID = "DeadLetterId";

    /** JMS properties: the job's own plus the evidence. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>(job.properties());
        p.put(ID, id);
        p.put("ReplyCode", replyCode);
        p.put("EnhancedStatus", enhancedStatus);
        p.put("Reply", reply);
        p.put("RemoteHost", remoteHost);
        p.put("Stage", stage);
        p.put("LastAttempt", lastAttempt.toEpochMilli());
        p.put("Reason", reason);
        return p;
    }

    public static DeadLetter fromProperties(Map<String, Object> p, MessageBytes message) {
        DeliveryJob job = DeliveryJob.fromHeaders(p, message);
        return new DeadLetter(string(p, ID), job, (int) number(p, "ReplyCode", 0), string(p, "EnhancedStatus"), string(p, "Reply"),
                string(p, "RemoteHost"), string(p, "Stage"), Instant.ofEpochMilli(number(p, "LastAttempt", 0)), string(p, "Reason"));
    }

    /** The JSON fields of GET /api/dead-letters, as the README lists them (a contract with API clients). */
    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", id);
        j.put("queueId", job.queueId());
        j.put("sender", job.sender());
        j.put("recipients", job.recipients());
        j.put("domain", job.domain());
        j.put("replyCode", replyCode);
        j.put("enhancedStatus", enhancedStatus);
        j.put("reply", reply);
        j.put("remoteHost", remoteHost);
        j.put("stage", stage);
        j.put("attempts", job.attempts());
        j.put("firstAttempt", job.firstAttempt() == null ? null : job.firstAttempt().toString());
        j.put("lastAttempt", lastAttempt.toString());
        j.put("reason", reason);
        j.put("accepted", job.acceptedAt().toString());
        return j;
    }

    public List<String> recipients() {
        return job.recipients();
    }
}
