package com.mailroute.ingress;

/**
 * Checks a submission is a message before anything else looks at it: it starts with a header
 * field, and it is text, not binary data.
 */
public final class MessageShape {

    public void check(byte[] raw, long maxSize) {
        if (raw.length == 0) {
            throw new RejectedException("empty message");
        }
        if (raw.length > maxSize) {
            throw new RejectedException("message is " + raw.length + " bytes, larger than mailroute.message.max-size (" + maxSize + " bytes)", 413);
        }
        int colon = -1;
        for (int i = 0; i < Math.min(raw.length, 1000); i++) {
            byte b = raw[i];
            if (b == ':') {
                colon = i;
                break;
            }
            if (b <= 32 || b >= 127) {
                break;
            }
        }
        if (colon <= 0) {
            throw new RejectedException("not a message: it must start with a header field (Name: value), found '" + preview(raw) + "'");
        }
        int sample = Math.min(raw.length, 8192);
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

    private static String preview(byte[] raw) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(raw.length, 40); i++) {
            int c = raw[i] & 0xFF;
            b.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.toString();
    }
}
