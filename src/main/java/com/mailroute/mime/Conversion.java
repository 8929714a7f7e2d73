package com.mailroute.mime;

import com.mailroute.spool.MessageBytes;

/** The 7-bit message (a spool file of its own when the original was spooled) and what had to change to get it. */
public record Conversion(MessageBytes bytes, int partsConverted, int headersEncoded) {

    /** A one-line account for logs and delivery records, e.g. "converted 8bit→7bit: 3 parts, 1 header". */
    public String description() {
        if (partsConverted == 0 && headersEncoded == 0) {
            return "already 7-bit: nothing converted";
        }
        return "converted 8bit→7bit: " + count(partsConverted, "part") + ", " + count(headersEncoded, "header");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
