package dev.cellscope.protocol.utcp;

import java.util.List;

/** UTCP flag bits (PROTOCOLS.md section 2, [decided]); other bits are reserved and must be zero. */
public final class UtcpFlags {
    private UtcpFlags() {}

    public static final int SYN = 0x0001, ACK = 0x0002, FIN = 0x0004, NACK = 0x0008, DATA = 0x0010;
    /** Bits PROTOCOLS.md reserves: a set one is an expert warning. */
    public static final int RESERVED_MASK = 0xFFE0;

    /** The assigned bits, in bit order. */
    public static final List<Integer> ASSIGNED = List.of(SYN, ACK, FIN, NACK, DATA);

    /** The name of one assigned bit ("SYN" ...), or null for a reserved one. */
    public static String name(int bit) {
        return switch (bit) {
            case SYN -> "SYN";
            case ACK -> "ACK";
            case FIN -> "FIN";
            case NACK -> "NACK";
            case DATA -> "DATA";
            default -> null;
        };
    }

    /** True when {@code flags} has {@code bit} set. */
    public static boolean has(int flags, int bit) {
        return (flags & bit) != 0;
    }
}
