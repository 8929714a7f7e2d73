package com.mailroute.mime;

import java.util.List;

import com.mailroute.smtp.MessagePreparer;
import com.mailroute.smtp.PolicyRejection;
import com.mailroute.smtp.PreparedMessage;
import com.mailroute.smtp.ServerCapabilities;
import com.mailroute.spool.MessageBytes;

/**
 * The capability check run after EHLO and before MAIL FROM: compares what the message needs with
 * what the connected host announced, converts 8-bit to 7-bit when it must, and refuses precisely
 * (5.6.7 SMTPUTF8, 5.6.3 signed content, 5.3.4 size) when nothing can be done. A converted copy of a
 * spooled message is the prepared message's scratch: the SMTP client deletes it after the transaction.
 */
public final class CapabilityAdapter implements MessagePreparer {
    private final MessageBytes message;
    private final String sender;
    private final List<String> recipients;
    private final SevenBitConverter converter;
    private final String host;

    public CapabilityAdapter(MessageBytes message, String sender, List<String> recipients, SevenBitConverter converter, String host) {
        this.message = message;
        this.sender = sender;
        this.recipients = recipients;
        this.converter = converter;
        this.host = host;
    }

    @Override
    public PreparedMessage prepare(ServerCapabilities caps) throws PolicyRejection {
        MessageNeeds needs;
        try {
            needs = MessageNeeds.of(message, sender, recipients, converter.spool());
        } catch (IllegalArgumentException unreadable) {
            // The MIME structure cannot be walked: send it as it is where that is possible, else say why not.
            boolean eightBit = Entities.hasEightBit(message);
            if (!eightBit || caps.eightBitMime()) {
                return sized(new PreparedMessage(message, eightBit, false, ""), caps);
            }
            throw new PolicyRejection("5.6.3", "the message has 8-bit content, " + host + " does not announce 8BITMIME, and it cannot be "
                    + "converted to 7-bit: " + unreadable.getMessage());
        }
        return sized(adapt(needs, caps), caps);
    }

    private PreparedMessage adapt(MessageNeeds needs, ServerCapabilities caps) throws PolicyRejection {
        if (needs.smtpUtf8() && !caps.smtpUtf8()) {
            throw new PolicyRejection("5.6.7", "the message needs SMTPUTF8 (UTF-8 in a mailbox local part) and " + host + " does not announce SMTPUTF8");
        }
        MessageBytes bytes = message;
        boolean body8bit = false;
        String note = "";
        if (needs.eightBit()) {
            if (caps.eightBitMime()) {
                body8bit = true;
            } else {
                try {
                    Conversion c = converter.convert(message);
                    bytes = c.bytes();
                    note = c.description();
                } catch (SignedContentException e) {
                    throw new PolicyRejection(e.enhancedStatus(), e.getMessage() + "; " + host + " does not announce 8BITMIME");
                } catch (NeedsSmtpUtf8Exception e) {
                    throw new PolicyRejection("5.6.7", e.getMessage() + "; " + host + " does not announce SMTPUTF8");
                } catch (IllegalArgumentException e) {
                    throw new PolicyRejection("5.6.3", host + " does not announce 8BITMIME and the message cannot be converted to 7-bit: "
                            + e.getMessage());
                }
            }
        }
        return new PreparedMessage(bytes, body8bit, needs.smtpUtf8(), note, bytes == message ? null : bytes);
    }

    private PreparedMessage sized(PreparedMessage m, ServerCapabilities caps) throws PolicyRejection {
        if (caps.announcesSize() && caps.sizeLimit() > 0 && m.bytes().size() > caps.sizeLimit()) {
            m.releaseScratch();
            throw new PolicyRejection("5.3.4", "message size " + m.bytes().size() + " bytes exceeds the limit of " + caps.sizeLimit()
                    + " bytes announced by " + host);
        }
        return m;
    }
}
