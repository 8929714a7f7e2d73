package com.mailroute.ingress;

import com.mailroute.message.MailAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SMTP envelope of an accepted message: sender ("" for &lt;&gt;) and validated recipients. */
public record Envelope(String sender, List<MailAddress> recipients) {

    /** Recipients grouped by A-label domain, in first-seen order: one delivery job each. */
    public Map<String, List<MailAddress>> byDomain() {
        Map<String, List<MailAddress>> m = new LinkedHashMap<>();
        for (MailAddress a : recipients) {
            m.computeIfAbsent(a.asciiDomain(), d -> new java.util.ArrayList<>()).add(a);
        }
        return m;
    }
}
