package dev.cellscope.dissect;

/**
 * The bytes after EtherType 0x88B5 (or in a "decode as" UDP payload) carry UTCP or Tether.
 * PROTOCOLS.md section 1: the first four bytes decide, as Wireshark heuristics do for shared
 * ports: {@code 4C 4F 42 4F} is Tether (little-endian), {@code 4F 42 4F 4C} Tether with a
 * big-endian header, anything else UTCP.
 */
final class CellDispatch {
    private CellDispatch() {}

    /** Returns the bytes the carried protocol claims (the rest is padding). */
    static int dissect(Dissection d, int off, int avail) {
        if (avail >= 4) {
            long first = d.u32(off);
            if (first == 0x4C4F424FL) return TetherDissector.dissect(d, off, avail, false);
            if (first == 0x4F424F4CL) return TetherDissector.dissect(d, off, avail, true);
        }
        return UtcpDissector.dissect(d, off, avail);
    }
}
