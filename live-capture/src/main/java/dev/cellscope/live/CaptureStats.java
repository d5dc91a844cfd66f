package dev.cellscope.live;

/**
 * What a live source received and what was lost on the way, so a capture can say exactly what
 * it missed. Counted from when the source was opened. A pcapng Interface Statistics Block
 * carries them as {@code isb_ifrecv} = {@link #kernelReceived} (at most {@link #packets} plus the drops:
 * see {@code CaptureCounters.of}), {@code isb_ifdrop} =
 * {@link #interfaceDropped}, {@code isb_osdrop} = {@link #kernelDropped} + {@link #sourceDropped},
 * {@code isb_usrdeliv} = {@link #packets}.
 *
 * @param packets          frames the source delivered to its reader (tshark's "packets captured")
 * @param bytes            captured bytes of those frames
 * @param kernelReceived   frames the kernel took in for this capture (libpcap {@code ps_recv}: those the
 *                         filter passed, dropped ones included); -1 when the backend cannot tell
 * @param kernelDropped    frames the kernel dropped because the capture buffer or ring was full ({@code ps_drop})
 * @param interfaceDropped frames the interface or its driver dropped ({@code ps_ifdrop}); -1 when unknown
 * @param sourceDropped    frames the backend itself dropped after the kernel handed them over (its own
 *                         queue full); 0 for a backend that pushes back on the kernel instead
 */
public record CaptureStats(long packets, long bytes, long kernelReceived, long kernelDropped, long interfaceDropped,
                           long sourceDropped) {

    /** Before anything was opened. */
    public static final CaptureStats NONE = new CaptureStats(0, 0, 0, 0, 0, 0);

    /** Every frame lost that cellscope knows of (unknown counters count as 0). */
    public long dropped() {
        return Math.max(0, kernelDropped) + Math.max(0, interfaceDropped) + Math.max(0, sourceDropped);
    }
}
