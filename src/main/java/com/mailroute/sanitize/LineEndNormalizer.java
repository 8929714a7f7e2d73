package com.mailroute.sanitize;

import com.mailroute.message.ByteSearch;

import java.util.Arrays;

/**
 * Makes every line end CRLF and drops NUL bytes in one linear pass.
 * A line break is whatever the sender meant by it: CRLF, bare LF, bare CR, or a run of
 * CRs followed by LF (CR CR LF, the classic double-converted line end) each become one CRLF.
 * With no bare CR or LF left, no receiver can find an end-of-data the sender did not write
 * as a line of its own (CVE-2023-51764 and kin).
 */
final class LineEndNormalizer {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private LineEndNormalizer() {}

    /** Returns {@code raw} itself when nothing needed changing, so clean mail stays byte-identical. */
    static byte[] normalize(byte[] raw, SanitizeReport report) {
        if (isClean(raw)) {
            return raw;
        }
        byte[] out = new byte[raw.length + raw.length / 8 + 2];
        int o = 0;
        int bareLf = 0;
        int bareCr = 0;
        int crCrLf = 0;
        int nul = 0;
        int i = 0;
        while (i < raw.length) {
            byte b = raw[i];
            if (b == 0) {
                nul++;
                i++;
                continue;
            }
            if (b != CR && b != LF) {
                if (o == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[o++] = b;
                i++;
                continue;
            }
            int next;
            if (b == LF) {
                bareLf++;
                next = i + 1;
            } else {
                // A run of CRs (NULs in between are dropped anyway) followed by LF is one line end.
                int crs = 0;
                int j = i;
                while (j < raw.length && (raw[j] == CR || raw[j] == 0)) {
                    if (raw[j] == CR) {
                        crs++;
                    } else {
                        nul++;
                    }
                    j++;
                }
                if (j < raw.length && raw[j] == LF) {
                    if (crs > 1) {
                        crCrLf++;
                    }
                    next = j + 1;
                } else {
                    // Each CR of a run not followed by LF is a line end of its own.
                    bareCr += crs;
                    if (out.length - o < 2 * crs) {
                        out = Arrays.copyOf(out, Math.max(out.length * 2, o + 2 * crs + 2));
                    }
                    for (int k = 1; k < crs; k++) {
                        out[o++] = CR;
                        out[o++] = LF;
                    }
                    next = j;
                }
            }
            if (out.length - o < 2) {
                out = Arrays.copyOf(out, out.length * 2 + 2);
            }
            out[o++] = CR;
            out[o++] = LF;
            i = next;
        }
        boolean finalAdded = false;
        if (o > 0 && out[o - 1] != LF) {
            if (out.length - o < 2) {
                out = Arrays.copyOf(out, o + 2);
            }
            out[o++] = CR;
            out[o++] = LF;
            finalAdded = true;
        }
        report.add(SanitizeReport.BARE_LF, bareLf);
        report.add(SanitizeReport.BARE_CR, bareCr);
        report.add(SanitizeReport.CRCRLF, crCrLf);
        report.add(SanitizeReport.NUL, nul);
        if (finalAdded) {
            report.add(SanitizeReport.FINAL_CRLF);
        }
        return Arrays.copyOf(out, o);
    }

    /** True when every CR is followed by LF, every LF preceded by CR, there is no NUL, and the data ends in CRLF. */
    private static boolean isClean(byte[] raw) {
        return ByteSearch.indexOfIrregularLine(raw, 0, raw.length, true, false, true) < 0
                && (raw.length == 0 || raw[raw.length - 1] == LF);
    }
}
