package dev.cellscope.io;

import java.util.OptionalLong;

/**
 * A pcapng Interface Statistics Block: an interface's counters at one moment. Counters count
 * from the start of the capture (not of the file), as dumpcap writes them; an absent value was
 * not known to the writer and is not written.
 *
 * @param interfaceId    the interface (file-wide id when read, as {@link InterfaceInfo#id()})
 * @param timestampNanos when the counters were taken, nanoseconds since the epoch
 * @param startNanos     isb_starttime (2): when counting began (capture start)
 * @param endNanos       isb_endtime (3): when counting ended (this block's time)
 * @param received       isb_ifrecv (4): packets the interface received (before any filter)
 * @param interfaceDrops isb_ifdrop (5): packets the interface/driver dropped for lack of resources
 * @param filterAccepted isb_filteraccept (6): packets the capture filter accepted
 * @param osDrops        isb_osdrop (7): packets the OS dropped (full socket buffer or ring)
 * @param userDelivered  isb_usrdeliv (8): packets delivered to the capturing program
 * @param comment        opt_comment (1), or null
 */
public record InterfaceStatistics(int interfaceId, long timestampNanos, OptionalLong startNanos,
                                  OptionalLong endNanos, OptionalLong received, OptionalLong interfaceDrops,
                                  OptionalLong filterAccepted, OptionalLong osDrops, OptionalLong userDelivered,
                                  String comment) {

    static final int ISB_STARTTIME = 2;
    static final int ISB_ENDTIME = 3;
    static final int ISB_IFRECV = 4;
    static final int ISB_IFDROP = 5;
    static final int ISB_FILTERACCEPT = 6;
    static final int ISB_OSDROP = 7;
    static final int ISB_USRDELIV = 8;

    /** Counters only: a value below 0 means "not known" and is not written. */
    public static InterfaceStatistics of(int interfaceId, long timestampNanos, long startNanos, long received,
                                         long interfaceDrops, long osDrops) {
        return new InterfaceStatistics(interfaceId, timestampNanos, OptionalLong.of(startNanos),
                OptionalLong.of(timestampNanos), known(received), known(interfaceDrops), OptionalLong.empty(),
                known(osDrops), OptionalLong.empty(), null);
    }

    /** A counter value, or empty when below 0 ("not known"). */
    public static OptionalLong known(long value) {
        return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
