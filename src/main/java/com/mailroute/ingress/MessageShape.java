package com.mailroute.ingress;

import com.mailroute.message.RejectedException;
import com.mailroute.spool.MessageBytes;

/**
 * Checks a submission is a message at all before anything else looks at it: not empty, within the
 * size limit, and text, not binary data. Anything else is read as a message the way Postfix reads it
 * (the sanitizer ends the header section at the first line that is not a field, so even a body
 * without a header is a message).
 */
public final class MessageShape {

    static RejectedException tooLarge(long size, long maxSize) {
        return new RejectedException("message is " + (size > maxSize ? size + " bytes, " : "") + "larger than mailroute.message.max-size ("
                + maxSize + " bytes)", 413);
    }

    public void check(MessageBytes message, long maxSize) {
        if (message.size() == 0) {
            throw new RejectedException("empty message");
        }
        if (message.size() > maxSize) {
            throw tooLarge(message.size(), maxSize);
        }
        byte[] raw = message.head(8192);
        int sample = raw.length;
        int control = 0;
        for (int i = 0; i < sample; i++) {
            int b = raw[i] & 0xFF;
            if (b < 32 && b != '\r' && b != '\n' && b != '\t') {
                control++;
            }
        }
        if (control * 20 > sample) {
            throw new RejectedException("not a message: binary data (" + control + " control bytes in the first " + sample + ")");
        }
    }
}
