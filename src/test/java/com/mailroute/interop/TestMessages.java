package com.mailroute.interop;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The messages the interop tests send, built byte by byte so that line ends and 8-bit bytes are exactly as stated. */
final class TestMessages {
    /** The seed case's body: what the application wrote, bare LF everywhere. */
    static final String RECEIPT_BODY = "Dear Dylan,\nThankyou for ordering ...\n\nKind regards\n";

    static final String EIGHT_BIT_TEXT = "Grüße aus Köln, Dylan — die Rechnung über 12 € liegt bei.\nÀ bientôt, naïve café.\n";
    static final String EIGHT_BIT_ALTERNATIVE = "Grüße aus Köln (plain alternative) — 東京\n";
    static final String EIGHT_BIT_HTML = "<html><body><p>Grüße aus <b>Köln</b> — 12 €</p></body></html>\n";
    static final String EIGHT_BIT_INNER = "Ärger über Öl: ½ Preis für Müller.\n";

    private TestMessages() {
    }

    /** A plain 7-bit message with CRLF line ends whose Subject is the token and whose body names it. */
    static byte[] simple(String from, String to, String subject) {
        return crlf("From: Interop <" + from + ">\n"
                + "To: <" + to + ">\n"
                + "Subject: " + subject + "\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\n"
                + "Message-ID: <" + subject + "@interop.test>\n"
                + "\n"
                + "token " + subject + "\n"
                + "end of " + subject + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The seed case: a receipt with bare LF line ends everywhere, headers included. */
    static byte[] bareLfReceipt(String from, String to, String subject) {
        return ("From: Shop <" + from + ">\n"
                + "To: Dylan <" + to + ">\n"
                + "Subject: " + subject + "\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
                + "Message-ID: <" + subject + "@interop.test>\n"
                + "\n"
                + RECEIPT_BODY).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * multipart/mixed { multipart/mixed { 8-bit text/plain, multipart/alternative { 8-bit text/plain,
     * 8-bit text/html } }, message/rfc822 whose inner body is 8-bit ISO-8859-1 }, all 8bit raw bytes, CRLF.
     */
    static byte[] eightBit(String from, String to, String subject) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ascii(out, "From: Shop <" + from + ">\n"
                + "To: Dylan <" + to + ">\n"
                + "Subject: " + subject + "\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
                + "Message-ID: <" + subject + "@interop.test>\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"outer-b\"\n"
                + "\n"
                + "This is a multi-part message in MIME format.\n"
                + "--outer-b\n"
                + "Content-Type: multipart/mixed; boundary=\"inner-b\"\n"
                + "\n"
                + "--inner-b\n"
                + "Content-Type: text/plain; charset=UTF-8\n"
                + "Content-Transfer-Encoding: 8bit\n"
                + "\n");
        text(out, EIGHT_BIT_TEXT, StandardCharsets.UTF_8);
        ascii(out, "--inner-b\n"
                + "Content-Type: multipart/alternative; boundary=\"alt-b\"\n"
                + "\n"
                + "--alt-b\n"
                + "Content-Type: text/plain; charset=UTF-8\n"
                + "Content-Transfer-Encoding: 8bit\n"
                + "\n");
        text(out, EIGHT_BIT_ALTERNATIVE, StandardCharsets.UTF_8);
        ascii(out, "--alt-b\n"
                + "Content-Type: text/html; charset=UTF-8\n"
                + "Content-Transfer-Encoding: 8bit\n"
                + "\n");
        text(out, EIGHT_BIT_HTML, StandardCharsets.UTF_8);
        ascii(out, "--alt-b--\n"
                + "--inner-b--\n"
                + "--outer-b\n"
                + "Content-Type: message/rfc822\n"
                + "Content-Transfer-Encoding: 8bit\n"
                + "Content-Disposition: attachment; filename=\"forwarded.eml\"\n"
                + "\n"
                + "From: Billing <billing@example.com>\n"
                + "To: Shop <" + from + ">\n"
                + "Subject: inner " + subject + "\n"
                + "Date: Sun, 22 Nov 2026 09:00:00 +0000\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\n"
                + "Content-Transfer-Encoding: 8bit\n"
                + "\n");
        text(out, EIGHT_BIT_INNER, StandardCharsets.ISO_8859_1);
        ascii(out, "--outer-b--\n");
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        text(out, s, StandardCharsets.US_ASCII);
    }

    private static void text(ByteArrayOutputStream out, String s, Charset cs) {
        out.writeBytes(crlf(s).getBytes(cs));
    }

    private static String crlf(String s) {
        return s.replace("\n", "\r\n");
    }
}
