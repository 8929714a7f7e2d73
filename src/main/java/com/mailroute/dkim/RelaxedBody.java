package com.mailroute.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * {@link Relaxed#body} for a body written in pieces (a spooled message read from its file): the same relaxed body
 * canonicalization, fed into the digest as the bytes arrive, with the state of the current line kept between writes.
 * Call {@link #finish()} after the last byte.
 */
final class RelaxedBody extends OutputStream {
    private final MessageDigest digest;
    private final byte[] buf = new byte[8192];
    private int n;
    private long blankLines;          // empty (or whitespace-only) lines not yet written: dropped if the body ends here
    private boolean pendingSpace;     // whitespace seen since the last content byte of this line
    private boolean content;          // this line has a non-whitespace byte
    private boolean pendingCr;        // the last byte was CR: a line end if LF follows, else content

    RelaxedBody(MessageDigest digest) {
        this.digest = digest;
    }

    @Override
    public void write(int b) {
        accept((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            accept(b[i]);
        }
    }

    private void accept(byte b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                endLine();
                return;
            }
            contentByte((byte) '\r');
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == ' ' || b == '\t') {
            pendingSpace = true;
        } else {
            contentByte(b);
        }
    }

    private void contentByte(byte b) {
        if (!content) {
            for (; blankLines > 0; blankLines--) {
                crlf();
            }
            content = true;
        }
        if (pendingSpace) {
            put((byte) ' ');
            pendingSpace = false;
        }
        put(b);
    }

    private void endLine() {
        if (content) {
            crlf();
        } else {
            blankLines++;
        }
        content = false;
        pendingSpace = false;
    }

    /** Ends the body: a last line without CRLF gets one when it has content; trailing empty lines are dropped. */
    void finish() {
        if (pendingCr) {
            pendingCr = false;
            contentByte((byte) '\r');
        }
        if (content) {
            crlf();
        }
        digest.update(buf, 0, n);
        n = 0;
    }

    private void crlf() {
        put((byte) '\r');
        put((byte) '\n');
    }

    private void put(byte b) {
        if (n == buf.length) {
            digest.update(buf, 0, n);
            n = 0;
        }
        buf[n++] = b;
    }
}
