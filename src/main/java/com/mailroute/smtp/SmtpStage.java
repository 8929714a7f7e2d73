package com.mailroute.smtp;

/** Where in an SMTP session something happened; travels with every failure as evidence. */
public enum SmtpStage {
    DNS, CONNECT, GREETING, EHLO, STARTTLS, MAIL, RCPT, DATA, END_OF_DATA, POLICY;

    public String label() {
        return name().toLowerCase().replace('_', ' ');
    }
}
