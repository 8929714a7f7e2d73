package com.mailroute.mime;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;

import java.io.UnsupportedEncodingException;
import java.net.IDN;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites the headers of one entity that hold raw 8-bit bytes into pure ASCII: RFC 2047 encoded
 * words for unstructured text and display names, A-labels (IDNA) for domains, RFC 2231 for
 * Content-Type/Content-Disposition parameters. RFC 2047 never applies to an addr-spec, so a
 * non-ASCII local part cannot be made 7-bit at all.
 */
final class HeaderEncoder {

    private static final Set<String> ADDRESS_HEADERS = Set.of(
            "from", "to", "cc", "bcc", "sender", "reply-to",
            "resent-from", "resent-to", "resent-cc", "resent-bcc", "resent-sender");

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("\\s*([!#$%&'*+./^_`|~0-9A-Za-z-]+)");

    static boolean isAddressHeader(String name) {
        return ADDRESS_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Rewrites every 8-bit header of the part in place and returns how many header fields changed. */
    int encode(MimePart part) throws MessagingException {
        String declaredCharset = Entities.declaredCharset(part);
        Set<String> names = new LinkedHashSet<>();
        for (Header header : Collections.list(part.getAllHeaders())) {
            if (Entities.hasEightBit(header.getValue())) {
                names.add(header.getName());
            }
        }
        int encoded = 0;
        for (String name : names) {
            String[] values = part.getHeader(name);
            List<String> rewritten = new ArrayList<>();
            for (String value : values) {
                if (Entities.hasEightBit(value)) {
                    rewritten.add(rewrite(name, HeaderText.decode(value, declaredCharset)));
                    encoded++;
                } else {
                    rewritten.add(value);
                }
            }
            replace(part, name, rewritten);
        }
        return encoded;
    }

    /**
     * Angus keeps a removed header's slot, and setHeader/addHeader fill it again, so fields keep
     * their place. addHeader puts Received and Return-Path before the first of their name, hence
     * those are added last to first.
     */
    private static void replace(MimePart part, String name, List<String> values) throws MessagingException {
        if (values.size() == 1) {
            part.setHeader(name, values.get(0));
            return;
        }
        part.removeHeader(name);
        boolean addedInReverse = name.equalsIgnoreCase("Received") || name.equalsIgnoreCase("Return-Path");
        List<String> ordered = new ArrayList<>(values);
        if (addedInReverse) {
            Collections.reverse(ordered);
        }
        for (String value : ordered) {
            part.addHeader(name, value);
        }
    }

    private static String rewrite(String name, HeaderText value) throws MessagingException {
        String lower = name.toLowerCase(Locale.ROOT);
        if (ADDRESS_HEADERS.contains(lower)) {
            try {
                return addresses(name, value);
            } catch (NotAnAddressException e) {
                // Not addresses anyone can reply to (unparseable, junk with 8-bit bytes, a domain that is no IDN):
                // the text is kept, as encoded words.
                return unstructured(name, value);
            }
        }
        if (lower.equals("content-transfer-encoding") || lower.equals("mime-version")) {
            // Tokens, not text: readers go by the leading token, so stray 8-bit bytes after it are dropped.
            java.util.regex.Matcher token = TOKEN.matcher(value.text());
            return token.lookingAt() ? token.group(1) : (lower.equals("mime-version") ? "1.0" : "7bit");
        }
        if (lower.equals("content-type") || lower.equals("content-disposition")) {
            String withParameters = parameters(lower, value);
            if (withParameters != null) {
                return withParameters;
            }
        }
        return unstructured(name, value);
    }

    /** Subject, Comments, Keywords and any other header without a known structure. */
    private static String unstructured(String name, HeaderText value) {
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value.text(), value.charset(), null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("charset " + value.charset() + " is not supported", e);
        }
    }

    private static String addresses(String name, HeaderText value) throws MessagingException {
        InternetAddress[] list;
        try {
            list = InternetAddress.parseHeader(value.text(), false);
        } catch (AddressException e) {
            throw new NotAnAddressException();
        }
        encodeAddresses(name, list, value.charset());
        return InternetAddress.toString(list, name.length() + 2);
    }

    private static void encodeAddresses(String name, InternetAddress[] list, String charset) throws MessagingException {
        for (InternetAddress address : list) {
            if (address.isGroup()) {
                encodeGroup(name, address, charset);
                continue;
            }
            address.setAddress(asciiAddress(name, address.getAddress()));
            String personal = address.getPersonal();
            if (personal != null) {
                try {
                    address.setPersonal(personal, charset);
                } catch (UnsupportedEncodingException e) {
                    throw new IllegalStateException("charset " + charset + " is not supported", e);
                }
            }
        }
    }

    /** "Display name: member, member;": Angus keeps it as text, so the name and the members are encoded here. */
    private static void encodeGroup(String name, InternetAddress group, String charset) throws MessagingException {
        if (Entities.isAscii(group.getAddress())) {
            return;
        }
        InternetAddress[] members;
        try {
            members = group.getGroup(false);
        } catch (AddressException e) {
            throw new NotAnAddressException();
        }
        encodeAddresses(name, members, charset);
        String display = group.getAddress().substring(0, group.getAddress().indexOf(':')).strip();
        try {
            String phrase = MimeUtility.encodeWord(display, charset, null);
            group.setAddress(phrase + ": " + InternetAddress.toString(members) + ";");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("charset " + charset + " is not supported", e);
        }
    }

    private static String asciiAddress(String headerName, String addrSpec) {
        int at = addrSpec.lastIndexOf('@');
        String local = at < 0 ? addrSpec : addrSpec.substring(0, at);
        if (!Entities.isAscii(local)) {
            if (Entities.isUtf8Mailbox(addrSpec)) {
                throw new NeedsSmtpUtf8Exception(headerName + " address '" + addrSpec
                        + "' has a non-ASCII local part: only an SMTPUTF8 server can take it");
            }
            throw new NotAnAddressException();
        }
        if (at < 0) {
            return addrSpec;
        }
        String domain = addrSpec.substring(at + 1);
        if (domain.startsWith("[")) {
            return addrSpec;
        }
        try {
            return local + "@" + IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new NotAnAddressException();
        }
    }

    /** RFC 2231-encodes non-ASCII parameter values (e.g. a filename); null when the header cannot be read even leniently. */
    private static String parameters(String lowerName, HeaderText value) {
        if (lowerName.equals("content-type")) {
            ContentType type = MimeParameters.contentType(value.text());
            if (type == null) {
                return null;
            }
            encodeParameters(type.getParameterList(), value.charset());
            return type.toString();
        }
        ContentDisposition disposition = MimeParameters.disposition(value.text());
        if (disposition == null) {
            return null;
        }
        encodeParameters(disposition.getParameterList(), value.charset());
        return disposition.toString();
    }

    private static void encodeParameters(ParameterList parameters, String charset) {
        if (parameters == null) {
            return;
        }
        for (String parameter : Collections.list(parameters.getNames())) {
            String v = parameters.get(parameter);
            if (v != null && !Entities.isAscii(v)) {
                parameters.set(parameter, v, charset);
            }
        }
    }

    /** 8-bit text in an address header that is no address: unparseable, or a domain IDNA cannot turn into an A-label. */
    private static final class NotAnAddressException extends RuntimeException {
        NotAnAddressException() {
            super(null, null, false, false);
        }
    }
}
