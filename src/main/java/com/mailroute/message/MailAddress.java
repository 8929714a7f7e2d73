package com.mailroute.message;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An RFC 5321 mailbox (local-part@domain). The domain is kept both as written (U-labels)
 * and in A-label (xn--) form, which is what DNS and a non-SMTPUTF8 server need.
 */
public record MailAddress(String localPart, String domain, String asciiDomain) {

    // RFC 5321 Dot-string, widened to any non-ASCII UTF-8 character (RFC 6531 atext).
    private static final Pattern DOT_STRING =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\x{80}-\\x{10FFFF}]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\x{80}-\\x{10FFFF}]+)*");
    private static final Pattern QUOTED_STRING = Pattern.compile("\"([\\x20\\x21\\x23-\\x5B\\x5D-\\x7E\\x{80}-\\x{10FFFF}]|\\\\[\\x20-\\x7E])*\"");
    private static final Pattern LDH_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[(IPv6:[0-9A-Fa-f:.]+|[0-9]{1,3}(\\.[0-9]{1,3}){3})]");

    /** Parses and validates one address; throws {@link RejectedException} naming the problem. */
    public static MailAddress parse(String text) {
        if (text == null) {
            throw new RejectedException("address is missing");
        }
        String s = text.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new RejectedException("address is empty");
        }
        if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new RejectedException("address '" + printable(s) + "' contains control characters");
        }
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new RejectedException("'" + s + "' is not an address: expected local-part@domain");
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        if (!DOT_STRING.matcher(local).matches() && !QUOTED_STRING.matcher(local).matches()) {
            throw new RejectedException("'" + s + "' is not an address: invalid local part '" + local + "'");
        }
        if (local.getBytes(StandardCharsets.UTF_8).length > 64) {
            throw new RejectedException("'" + s + "' is not an address: local part longer than 64 octets");
        }
        String ascii;
        if (ADDRESS_LITERAL.matcher(domain).matches()) {
            ascii = domain;
        } else {
            try {
                ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new RejectedException("'" + s + "' is not an address: invalid domain '" + domain + "' (" + e.getMessage() + ")");
            }
            if (ascii.endsWith(".")) {
                ascii = ascii.substring(0, ascii.length() - 1);
            }
            String[] labels = ascii.split("\\.", -1);
            if (labels.length < 2 || ascii.length() > 253) {
                throw new RejectedException("'" + s + "' is not an address: domain '" + domain + "' is not a fully qualified name");
            }
            for (String label : labels) {
                if (!LDH_LABEL.matcher(label).matches()) {
                    throw new RejectedException("'" + s + "' is not an address: invalid domain '" + domain + "'");
                }
            }
        }
        return new MailAddress(local, IDN.toUnicode(ascii).toLowerCase(Locale.ROOT), ascii);
    }

    /** True when the local part holds non-ASCII characters, so only an SMTPUTF8 server can take it. */
    public boolean needsSmtpUtf8() {
        return localPart.chars().anyMatch(c -> c >= 0x80);
    }

    /** The address as written for the envelope with U-label domain. */
    public String address() {
        return localPart + "@" + domain;
    }

    /** The address with an A-label domain: what a server without SMTPUTF8 can be given. */
    public String asciiAddress() {
        return localPart + "@" + asciiDomain;
    }

    @Override
    public String toString() {
        return address();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return b.toString();
    }
}
