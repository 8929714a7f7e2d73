package com.mailroute.dkim;

/** What DKIM signing reports as it happens; metrics listen (admin.Metrics). */
public interface SigningEvents {

    /** A message handed to a next hop with MailRoute's signature for {@code signingDomain}. */
    void dkimSigned(String signingDomain);

    /** A message's own DKIM signature broken by the 7-bit conversion (by From domain). */
    void dkimOwnSignatureBroken(String fromDomain);
}
