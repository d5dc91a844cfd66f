package dev.cellscope.probe;

/**
 * What a live source says about packets that never reached the probe, as pcapng's Interface
 * Statistics Block and {@code pcap_stats} put it. Counters since the source was opened; a file
 * source has none ({@link #NONE}).
 *
 * @param received        packets the capture layer received ({@code isb_ifrecv}, {@code ps_recv}, {@code tp_packets})
 * @param kernelDrops     dropped by the operating system because the capture buffer was full
 *                        ({@code isb_osdrop}, {@code ps_drop}, {@code tp_drops})
 * @param interfaceDrops  dropped by the interface or its driver before the kernel had them ({@code isb_ifdrop}, {@code ps_ifdrop})
 * @param ringDrops       dropped in user space between the capture ring and the analysis (a full hand-off queue)
 */
public record CaptureStats(long received, long kernelDrops, long interfaceDrops, long ringDrops) {
    public static final CaptureStats NONE = new CaptureStats(0, 0, 0, 0);
}
