package dev.cellscope.gui.view;

/**
 * The hex pane's text, as tshark -x prints it: 16 bytes a line, offset, hex, ASCII. Knows which
 * characters show which byte, so the pane can highlight a field's bytes and map a click to a byte.
 */
final class HexText {
    static final int PER_LINE = 16;
    /** "0000  " then 16 × "xx " with an extra space after the eighth, then two spaces and 16 ASCII chars, then \n. */
    static final int HEX_START = 6, LINE = HEX_START + PER_LINE * 3 + 1 + 1 + PER_LINE + 1;

    private HexText() {}

    static String dump(byte[] data) {
        StringBuilder b = new StringBuilder((data.length / PER_LINE + 1) * LINE);
        for (int line = 0; line * PER_LINE < data.length; line++) {
            int at = line * PER_LINE;
            b.append(String.format("%04x  ", at));
            for (int i = 0; i < PER_LINE; i++) {
                if (i == 8) b.append(' ');
                if (at + i < data.length) b.append(String.format("%02x ", data[at + i] & 0xFF));
                else b.append("   ");
            }
            b.append(' ');
            for (int i = 0; i < PER_LINE; i++) {
                if (at + i < data.length) {
                    int c = data[at + i] & 0xFF;
                    b.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
                } else {
                    b.append(' ');
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Where byte {@code b}'s two hex digits start in the text. */
    static int hexPosition(int b) {
        int line = b / PER_LINE, col = b % PER_LINE;
        return line * LINE + HEX_START + col * 3 + (col >= 8 ? 1 : 0);
    }

    /** The text range [start, end) covering the hex of bytes [offset, offset+length), or null when empty. */
    static int[] range(int offset, int length) {
        if (length <= 0 || offset < 0) return null;
        return new int[] {hexPosition(offset), hexPosition(offset + length - 1) + 2};
    }

    /** The byte whose hex digits (or ASCII character) are at text position {@code pos}, or -1. */
    static int byteAt(String text, int pos) {
        if (pos < 0 || pos >= text.length()) return -1;
        int line = pos / LINE, col = pos % LINE;
        int b;
        int asciiStart = HEX_START + PER_LINE * 3 + 1 + 1;
        if (col >= asciiStart && col < asciiStart + PER_LINE) {
            b = col - asciiStart;
        } else {
            int h = col - HEX_START;
            if (h < 0) return -1;
            if (h >= 8 * 3) h -= 1; // the gap after the eighth byte
            b = h / 3;
            if (b >= PER_LINE) return -1;
        }
        int at = line * PER_LINE + b;
        return at;
    }
}
