package com.mailroute.submission;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

/**
 * Reads the message after 354 with SubEthaSMTP's streams: the data ends only at CRLF "." CRLF, and a leading
 * dot is removed only after CRLF. A bare LF or CR — "&lt;LF&gt;.&lt;LF&gt;", "&lt;CR&gt;.&lt;CR&gt;", "&lt;LF&gt;.&lt;CR&gt;&lt;LF&gt;" —
 * neither ends the data nor starts a second transaction: it stays in the message, where the sanitizer turns it
 * into a line break of its own and counts it (SMTP smuggling, CVE-2023-51764/51765/51766, cannot pass through).
 */
final class DataReader {

    /** The data was read to its end but was larger than the limit; nothing of it was kept. */
    static final class TooLarge extends Exception {
        TooLarge(long size) {
            super(String.valueOf(size));
        }
    }

    private DataReader() {
    }

    /** Reads up to and including the terminating CRLF.CRLF; past {@code max} bytes it reads on, discarding, to stay in step. */
    static byte[] read(InputStream raw, long max) throws IOException, TooLarge {
        InputStream in = new DotUnstuffingInputStream(new DotTerminatedInputStream(raw));
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf, 0, buf.length)) != -1) {
            total += n;
            if (total <= max) {
                out.write(buf, 0, n);
            }
        }
        if (total > max) {
            throw new TooLarge(total);
        }
        return out.toByteArray();
    }
}
