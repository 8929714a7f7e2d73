package com.mailroute.format;

import java.util.regex.Pattern;

/** Text made fit for one log line (and for one-line fields such as a dead letter's reason). */
public final class LogText {
    private static final Pattern LINE_BREAKS = Pattern.compile("\r\n|\r|\n");
    private static final Pattern OTHER_CONTROLS = Pattern.compile("\\p{Cntrl}+");

    private LogText() {
    }

    /** The lines of a multi-line text (an SMTP reply) joined with " / "; other control characters become a space. */
    public static String oneLine(String text) {
        String joined = LINE_BREAKS.matcher(text.strip()).replaceAll(" / ");
        return OTHER_CONTROLS.matcher(joined).replaceAll(" ").strip();
    }
}
