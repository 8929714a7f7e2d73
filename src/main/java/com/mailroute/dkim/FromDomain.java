package com.mailroute.dkim;

import java.net.IDN;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * The domain DMARC aligns on: the domain of the RFC 5322 From address, in A-label form, lower case.
 * Empty when there is no single From field or its addresses do not share one domain.
 */
final class FromDomain {
    private FromDomain() {
    }

    static Optional<String> of(HeaderFields fields) {
        List<HeaderFields.Field> from = fields.named("From");
        if (from.size() != 1) {
            return Optional.empty();
        }
        InternetAddress[] addresses;
        try {
            addresses = InternetAddress.parseHeader(fields.unfoldedValue(from.get(0)), false);
        } catch (AddressException e) {
            return Optional.empty();
        }
        Set<String> domains = new LinkedHashSet<>();
        for (InternetAddress a : addresses) {
            String address = a.getAddress();
            int at = address == null ? -1 : address.lastIndexOf('@');
            if (at < 0 || at == address.length() - 1) {
                return Optional.empty();
            }
            try {
                domains.add(IDN.toASCII(address.substring(at + 1), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return domains.size() == 1 ? Optional.of(domains.iterator().next()) : Optional.empty();
    }
}
