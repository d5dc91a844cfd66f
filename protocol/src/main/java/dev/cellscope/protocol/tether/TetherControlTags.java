package dev.cellscope.protocol.tether;

import java.util.Map;

/** Tags of the control messages on flow 0 (PROTOCOLS.md section 3); 0 and above 5 are unknown. */
public final class TetherControlTags {
    private TetherControlTags() {}

    public static final int HAIL = 1, DEFINE = 2, MANIFEST = 3, NACK = 4, SIDEBAND = 5;

    /** Each known tag and its name. */
    public static final Map<Long, String> NAMES = Map.of(
            (long) HAIL, "Hail", (long) DEFINE, "Define", (long) MANIFEST, "Manifest", (long) NACK, "Nack",
            (long) SIDEBAND, "Sideband");

    public static boolean known(long tag) {
        return tag >= HAIL && tag <= SIDEBAND;
    }

    /** The tag's name, or null when unknown. */
    public static String name(long tag) {
        return NAMES.get(tag);
    }
}
