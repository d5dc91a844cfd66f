package dev.cellscope.output;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Offset, 16 hex bytes and ASCII per line, as {@code tshark -x} prints a frame. */
public final class HexDump {
    private HexDump() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static void render(MemorySegment data, StringBuilder out) {
        long len = data.byteSize();
        for (long line = 0; line < len; line += 16) {
            out.append(String.format("%04x  ", line));
            StringBuilder ascii = new StringBuilder(16);
            for (int i = 0; i < 16; i++) {
                if (line + i < len) {
                    int b = data.get(ValueLayout.JAVA_BYTE, line + i) & 0xFF;
                    out.append(HEX[b >>> 4]).append(HEX[b & 0xF]).append(' ');
                    ascii.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
                } else {
                    out.append("   ");
                }
                if (i == 7) out.append(' ');
            }
            out.append(' ').append(ascii).append('\n');
        }
    }
}
