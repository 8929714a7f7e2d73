package com.mailroute.mime;

import jakarta.mail.internet.MimeUtility;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a header that holds raw 8-bit bytes, and the charset those bytes were read in.
 * The charset is UTF-8 when the bytes are valid UTF-8 (what almost every modern sender writes);
 * otherwise the charset the part declares for its body, since a sender that wrote raw bytes into
 * a header most likely used the same one; otherwise ISO-8859-1, which decodes any byte.
 */
record HeaderText(String text, String charset) {

    static HeaderText decode(String rawHeaderValue, String declaredCharset) {
        byte[] bytes = Entities.headerBytes(rawHeaderValue);
        String text = MimeUtility.unfold(new String(bytes, StandardCharsets.ISO_8859_1)).strip();
        if (isValidUtf8(bytes)) {
            return new HeaderText(decodeUnfolded(bytes, StandardCharsets.UTF_8), "UTF-8");
        }
        Charset declared = knownCharset(declaredCharset);
        if (declared != null && !declared.equals(StandardCharsets.US_ASCII) && !declared.equals(StandardCharsets.UTF_8)) {
            return new HeaderText(decodeUnfolded(bytes, declared), declared.name());
        }
        return new HeaderText(text, "ISO-8859-1");
    }

    private static String decodeUnfolded(byte[] bytes, Charset charset) {
        return MimeUtility.unfold(new String(bytes, charset)).strip();
    }

    static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static Charset knownCharset(String name) {
        if (name == null) {
            return null;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(name));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
