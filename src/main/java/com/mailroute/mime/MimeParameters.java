package com.mailroute.mime;

import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Content-Type and Content-Disposition the way mail readers do when Angus's strict parser gives up:
 * the type, then every {@code name=value} parameter that can be made out, ignoring junk between them
 * (raw 8-bit bytes in an unquoted value, stray words after a quoted one).
 */
final class MimeParameters {
    private static final Pattern TYPE = Pattern.compile("\\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\\s*/\\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)");
    private static final Pattern DISPOSITION = Pattern.compile("\\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)");
    private static final Pattern PARAMETER = Pattern.compile(
            ";\\s*([!#$%&'+.^_`|~0-9A-Za-z*-]+)\\s*=\\s*(\"(?:[^\"\\\\]++|\\\\.)*+\"|[^\\s;\"]++)");

    private MimeParameters() {
    }

    /** The content type, strictly parsed when possible, else leniently; null when not even a type/subtype is there. */
    static ContentType contentType(String value) {
        if (value == null) {
            return null;
        }
        try {
            return new ContentType(value);
        } catch (ParseException | RuntimeException strict) {
            Matcher type = TYPE.matcher(value);
            if (!type.lookingAt()) {
                return null;
            }
            return new ContentType(type.group(1), type.group(2), parameters(value.substring(type.end())));
        }
    }

    /** The disposition, strictly parsed when possible, else leniently; null when there is no disposition type. */
    static ContentDisposition disposition(String value) {
        try {
            return new ContentDisposition(value);
        } catch (ParseException | RuntimeException strict) {
            Matcher disposition = DISPOSITION.matcher(value);
            if (!disposition.lookingAt()) {
                return null;
            }
            return new ContentDisposition(disposition.group(1), parameters(value.substring(disposition.end())));
        }
    }

    /** Every parameter found in order; a value is unquoted, and a later one of the same name wins. */
    private static ParameterList parameters(String rest) {
        ParameterList list = new ParameterList();
        Matcher parameter = PARAMETER.matcher(rest);
        while (parameter.find()) {
            String v = parameter.group(2);
            if (v.startsWith("\"")) {
                v = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            list.set(parameter.group(1), v);
        }
        return list;
    }
}
