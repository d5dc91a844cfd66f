package dev.cellscope.live.ring;

import dev.cellscope.live.CaptureStats;

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

    /**
     * A live source's counters as the Interface Statistics Block carries them (the mapping of
     * {@link CaptureStats}' Javadoc): {@code isb_ifrecv} the kernel's received count (libpcap
     * {@code ps_recv}, AF_PACKET {@code tp_packets}: on Linux these are the packets the capture
     * filter passed, which is what dumpcap writes too), {@code isb_osdrop} the kernel's drops plus
     * the backend's own, {@code isb_ifdrop} the interface's when known.
     *
     * <p>{@code isb_ifrecv} is at most the frames the capture read plus those it dropped: the kernel goes on counting
     * frames after the capture stopped reading (while the socket closes, or in a block not yet handed over), and those
     * were neither written nor dropped. Counted as received, the last block of a capture stopped during traffic said
     * more frames came than were written plus dropped; dumpcap's counts add up, and so do these.
     */
    public static CaptureCounters of(CaptureStats s) {
        long os = s.kernelDropped() < 0 ? -1 : s.kernelDropped() + Math.max(0, s.sourceDropped());
        long received = s.kernelReceived() < 0 ? -1 : Math.min(s.kernelReceived(), s.packets() + Math.max(0, os));
        return new CaptureCounters(received, s.interfaceDropped(), os, -1);
    }

    /** Supplies the counters of an interface (by its index in the ring's interface list) at this moment. */
    @FunctionalInterface
    public interface Source {
        CaptureCounters counters(int interfaceId);
    }
}
