package dev.cellscope.live.ring;

/**
 * A capture's counters for one interface since the capture started, as a source reports them
 * (pcap_stats, PACKET_STATISTICS…). They go into the Interface Statistics Block that ends every
 * ring file. A value below 0 is "not known" and is left out of the block.
 *
 * @param received       isb_ifrecv: packets the interface received
 * @param interfaceDrops isb_ifdrop: packets dropped by the interface or its driver
 * @param osDrops        isb_osdrop: packets dropped by the operating system (socket buffer or ring full)
 * @param filterAccepted isb_filteraccept: packets the capture filter accepted
 */
public record CaptureCounters(long received, long interfaceDrops, long osDrops, long filterAccepted) {

    /** Nothing known: the block then carries only its times. */
    public static final CaptureCounters UNKNOWN = new CaptureCounters(-1, -1, -1, -1);

    /** Supplies the counters of an interface (by its index in the ring's interface list) at this moment. */
    @FunctionalInterface
    public interface Source {
        CaptureCounters counters(int interfaceId);
    }
}
