package com.mailroute.submission;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.subethamail.smtp.MessageHandler;

/**
 * One mail transaction, MAIL to the end of DATA. It is SubEthaSMTP's per-transaction object, so the
 * library's own resets (EHLO, STARTTLS, end of session) discard it; the MAIL and RCPT commands here fill it.
 */
final class Transaction implements MessageHandler {
    String sender = "";
    boolean smtpUtf8;
    final List<String> recipients = new ArrayList<>();

    @Override
    public void from(String from) {
    }

    @Override
    public void recipient(String recipient) {
    }

    @Override
    public String data(InputStream data) {
        throw new UnsupportedOperationException("DATA is read by the listener's own DATA command");
    }

    @Override
    public void done() {
    }
}
