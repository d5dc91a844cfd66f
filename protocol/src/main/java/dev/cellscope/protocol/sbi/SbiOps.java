package dev.cellscope.protocol.sbi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The assigned UTCP-SBI ops (the envelope's op byte) and their names. Int constants, so codecs
 * and dissectors can switch on them; op ranges: 0x01–0x0F control, 0x10–0x2F data transfer,
 * 0xF0–0xFF responses.
 */
public final class SbiOps {
    private SbiOps() {}

    public static final int HANDSHAKE = 0x01, BLOCK_WANT = 0x10, BLOCK_PUT = 0x11, DAG_SYNC = 0x20, ACK = 0xF0, NACK = 0xF1;

    /** Op code to name, in op order. */
    public static final Map<Integer, String> NAMES = names();

    private static Map<Integer, String> names() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(HANDSHAKE, "HANDSHAKE");
        m.put(BLOCK_WANT, "BLOCK_WANT");
        m.put(BLOCK_PUT, "BLOCK_PUT");
        m.put(DAG_SYNC, "DAG_SYNC");
        m.put(ACK, "ACK");
        m.put(NACK, "NACK");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** True for the six assigned ops. */
    public static boolean assigned(int op) {
        return NAMES.containsKey(op);
    }

    /** The op's name, or null when it is not assigned. */
    public static String name(int op) {
        return NAMES.get(op);
    }

    /** The op's name, or "op 0x%02x" when it is not assigned. */
    public static String nameOrHex(int op) {
        String n = NAMES.get(op);
        return n != null ? n : String.format("op 0x%02x", op);
    }

    /** The range an op code falls in (whether or not it is assigned). */
    public enum Range {
        CONTROL("control range"), DATA_TRANSFER("data transfer range"), RESPONSE("response range"),
        NONE("outside every op range");

        private final String label;

        Range(String label) {
            this.label = label;
        }

        /** E.g. "data transfer range". */
        public String label() {
            return label;
        }

        public static Range of(int op) {
            if (op >= 0x01 && op <= 0x0F) return CONTROL;
            if (op >= 0x10 && op <= 0x2F) return DATA_TRANSFER;
            if (op >= 0xF0 && op <= 0xFF) return RESPONSE;
            return NONE;
        }
    }
}
