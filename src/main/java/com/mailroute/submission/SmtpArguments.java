package com.mailroute.submission;

import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL FROM: and RCPT TO: — a path in angle brackets (a bare address is tolerated,
 * as Postfix does) followed by ESMTP parameters KEYWORD[=VALUE]. Keywords are upper-cased.
 */
record SmtpArguments(String address, Map<String, String> parameters) {
    private static final Pattern KEYWORD = Pattern.compile("[A-Z0-9][A-Z0-9-]*");

    /** Thrown for a command line that cannot be read at all; the message is the reply text. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    /** @param argument everything after the verb, e.g. "FROM:<a@example.com> SIZE=1000" */
    static SmtpArguments parse(String argument, String keyword) throws SyntaxException {
        String a = argument.strip();
        if (!a.regionMatches(true, 0, keyword, 0, keyword.length())) {
            throw new SyntaxException("expected " + keyword + "<address>");
        }
        a = a.substring(keyword.length()).stripLeading();
        String address;
        String rest;
        if (a.startsWith("<")) {
            int end = closingBracket(a);
            if (end < 0) {
                throw new SyntaxException("missing > after the address");
            }
            address = a.substring(1, end);
            rest = a.substring(end + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ' ') {
                throw new SyntaxException("expected a space after the address");
            }
        } else {
            int space = a.indexOf(' ');
            address = space < 0 ? a : a.substring(0, space);
            rest = space < 0 ? "" : a.substring(space);
            if (address.isEmpty()) {
                throw new SyntaxException("no address");
            }
        }
        // A source route (@relay:user@example.com, RFC 5321 C) is accepted and ignored.
        if (address.startsWith("@") && address.indexOf(':') > 0) {
            address = address.substring(address.indexOf(':') + 1);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : rest.strip().split(" +")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (!KEYWORD.matcher(key).matches()) {
                throw new SyntaxException("bad parameter '" + p + "'");
            }
            params.put(key, eq < 0 ? null : p.substring(eq + 1));
        }
        return new SmtpArguments(address, params);
    }

    /** The > that ends the path, skipping quoted parts of the local part ("a>b"@example.com). */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
