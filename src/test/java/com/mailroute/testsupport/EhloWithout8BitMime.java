package com.mailroute.testsupport;

import java.io.IOException;

import org.subethamail.smtp.internal.server.BaseCommand;

/** SubEthaSMTP always announces 8BITMIME; this EHLO announces nothing but the greeting, like Lotus Domino did. */
public final class EhloWithout8BitMime extends BaseCommand {
    public EhloWithout8BitMime() {
        super("EHLO", "Introduce yourself.", "<hostname>");
    }

    @Override
    public void execute(String commandString, org.subethamail.smtp.server.Session session) throws IOException {
        String[] args = getArgs(commandString);
        if (args.length < 2) {
            session.sendResponse("501 Syntax: EHLO hostname");
            return;
        }
        session.resetMailTransaction();
        session.setHelo(args[1]);
        session.sendResponse("250-" + session.getServer().getHostName() + "\r\n250 Ok");
    }
}
