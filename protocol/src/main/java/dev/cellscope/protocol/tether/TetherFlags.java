package dev.cellscope.protocol.tether;

/** Tether header flag bits (PROTOCOLS.md section 3). */
public final class TetherFlags {
    private TetherFlags() {}

    /** A Lamp (speculative) frame: it spends no credit. */
    public static final int LAMP = 0x01;
    public static final int SYNC = 0x02;

    public static boolean isLamp(int flags) {
        return (flags & LAMP) != 0;
    }

    public static boolean isSync(int flags) {
        return (flags & SYNC) != 0;
    }

    /** The name of one assigned bit ("LAMP", "SYNC"), or null. */
    public static String name(int bit) {
        return switch (bit) {
            case LAMP -> "LAMP";
            case SYNC -> "SYNC";
            default -> null;
        };
    }
}
