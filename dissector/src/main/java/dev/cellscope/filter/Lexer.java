package dev.cellscope.filter;

import java.util.ArrayList;
import java.util.List;

/** Splits a filter into tokens. Literal words are interpreted later, against the field they meet. */
final class Lexer {
    private Lexer() {}

    private static final String[] SYMBOLS = {
            "===", "!==", "==", "!=", "~=", "<=", ">=", "&&", "||", "^^", "<", ">", "~", "&", "!",
            "(", ")", "[", "]", "{", "}", ","};

    static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
    }

    static List<Token> lex(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = s.length();
        outer:
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '"') {
                i = string(s, i, out);
                continue;
            }
            if (wordChar(c)) {
                int start = i;
                while (i < n && wordChar(s.charAt(i))) i++;
                String w = s.substring(start, i);
                out.add(new Token(Token.Kind.WORD, w, w, start));
                continue;
            }
            for (String sym : SYMBOLS) {
                if (s.startsWith(sym, i)) {
                    out.add(new Token(Token.Kind.SYMBOL, sym, sym, i));
                    i += sym.length();
                    continue outer;
                }
            }
            String hint = c == '=' ? "; did you mean '=='?" : c == '|' ? "; did you mean '||'?" : "";
            throw new FilterException(s, i, "unexpected character '" + c + "' at column " + (i + 1) + hint);
        }
        out.add(new Token(Token.Kind.END, "", "", n));
        return out;
    }

    /** Reads a double-quoted string with C-style escapes; returns the index after the closing quote. */
    private static int string(String s, int start, List<Token> out) {
        StringBuilder v = new StringBuilder();
        int i = start + 1, n = s.length();
        while (true) {
            if (i >= n) throw new FilterException(s, start, "unterminated string starting at column " + (start + 1));
            char c = s.charAt(i);
            if (c == '"') break;
            if (c != '\\') {
                v.append(c);
                i++;
                continue;
            }
            if (i + 1 >= n) throw new FilterException(s, start, "unterminated string starting at column " + (start + 1));
            char e = s.charAt(i + 1);
            int escAt = i;
            i += 2;
            switch (e) {
                case '"', '\'', '\\' -> v.append(e);
                case 'a' -> v.append('\u0007');
                case 'b' -> v.append('\b');
                case 'f' -> v.append('\f');
                case 'n' -> v.append('\n');
                case 'r' -> v.append('\r');
                case 't' -> v.append('\t');
                case 'v' -> v.append('\u000b');
                case 'x' -> {
                    int end = i;
                    while (end < n && end < i + 2 && Character.digit(s.charAt(end), 16) >= 0) end++;
                    if (end == i) throw badEscape(s, escAt);
                    v.append((char) Integer.parseInt(s.substring(i, end), 16));
                    i = end;
                }
                case 'u', 'U' -> {
                    int len = e == 'u' ? 4 : 8;
                    if (i + len > n) throw badEscape(s, escAt);
                    try {
                        v.appendCodePoint(Integer.parseInt(s.substring(i, i + len), 16));
                    } catch (IllegalArgumentException ex) {
                        throw badEscape(s, escAt);
                    }
                    i += len;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i - 1;
                        while (end < n && end < i + 2 && s.charAt(end) >= '0' && s.charAt(end) <= '7') end++;
                        v.append((char) Integer.parseInt(s.substring(i - 1, end), 8));
                        i = end;
                    } else {
                        throw badEscape(s, escAt);
                    }
                }
            }
        }
        out.add(new Token(Token.Kind.STRING, s.substring(start, i + 1), v.toString(), start));
        return i + 1;
    }

    private static FilterException badEscape(String s, int at) {
        String esc = s.substring(at, Math.min(s.length(), at + 2));
        return new FilterException(s, at, "invalid escape '" + esc + "' in string at column " + (at + 1));
    }
}
