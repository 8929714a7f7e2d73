package com.mailroute.sanitize;

import java.io.IOException;
import java.io.OutputStream;

/**
 * {@link LineEndNormalizer}'s rules as a stream, for spooled messages: what is written comes out with every line
 * end CRLF and without NUL, in bounded memory (a pending run of CRs is a count, not a buffer). The same input gives
 * the same bytes and the same counts as {@link LineEndNormalizer#normalize}; {@link #finish} adds the final CRLF
 * where one is missing and reports. The underlying stream is not closed.
 */
final class LineEndNormalizingStream extends OutputStream {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CRLF = {CR, LF};

    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int buffered;
    /** CRs seen (NULs between them dropped) and not yet known to end in LF. */
    private long pendingCrs;
    private long written;
    private byte lastWritten;
    private int bareLf;
    private int bareCr;
    private int crCrLf;
    private int nul;

    LineEndNormalizingStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0) {
                nul++;
            } else if (c == CR) {
                pendingCrs++;
            } else if (c == LF) {
                if (pendingCrs == 0) {
                    bareLf++;
                } else if (pendingCrs > 1) {
                    crCrLf++;
                }
                pendingCrs = 0;
                emit(CR);
                emit(LF);
            } else {
                flushCrs();
                emit(c);
            }
        }
    }

    /** Each CR of a run not followed by LF is a line end of its own. */
    private void flushCrs() throws IOException {
        bareCr += (int) Math.min(Integer.MAX_VALUE, pendingCrs);
        for (; pendingCrs > 0; pendingCrs--) {
            emit(CR);
            emit(LF);
        }
    }

    private void emit(byte b) throws IOException {
        if (buffered == buffer.length) {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
        buffer[buffered++] = b;
        written++;
        lastWritten = b;
    }

    /** Ends the data (a CRLF after a last line without one), writes what is buffered and counts the repairs. */
    void finish(SanitizeReport report) throws IOException {
        flushCrs();
        boolean finalAdded = false;
        if (written > 0 && lastWritten != LF) {
            emit(CR);
            emit(LF);
            finalAdded = true;
        }
        out.write(buffer, 0, buffered);
        buffered = 0;
        out.flush();
        report.add(SanitizeReport.BARE_LF, bareLf);
        report.add(SanitizeReport.BARE_CR, bareCr);
        report.add(SanitizeReport.CRCRLF, crCrLf);
        report.add(SanitizeReport.NUL, nul);
        if (finalAdded) {
            report.add(SanitizeReport.FINAL_CRLF);
        }
    }

    static byte[] crlf() {
        return CRLF.clone();
    }
}
