package dev.cellscope.filter;

/**
 * One lexical token.
 *
 * @param kind  what it is
 * @param text  the source text (for strings: with the quotes, as typed)
 * @param value for strings the decoded value; otherwise equal to {@code text}
 * @param pos   0-based offset of the first character
 */
record Token(Kind kind, String text, String value, int pos) {
    enum Kind {
        /** A run of letters, digits and {@code _ . : / -}: field names, keywords, numbers, addresses, hex bytes. */
        WORD,
        /** A double-quoted string. */
        STRING,
        /** Punctuation and operators: {@code ( ) [ ] { } , == != === !== ~= ~ < <= > >= & && || ! ^^}. */
        SYMBOL,
        END
    }

    boolean is(String symbolOrWord) {
        return kind != Kind.STRING && kind != Kind.END && text.equals(symbolOrWord);
    }

    int end() {
        return pos + text.length();
    }

    /** How the token is quoted in messages. */
    String quoted() {
        return switch (kind) {
            case STRING -> text;
            case END -> "the end of the filter";
            default -> "'" + text + "'";
        };
    }
}
