package dev.cellscope.live.dpdk;

import dev.cellscope.live.CaptureInterface;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.LiveErrors;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.LiveSource;
import dev.cellscope.live.afpacket.AfPacketBackend;
import dev.cellscope.nativetap.dpdk.DpdkException;
import dev.cellscope.nativetap.dpdk.DpdkPort;
import dev.cellscope.nativetap.dpdk.Eal;
import dev.cellscope.session.SourceException;

import java.util.List;
import java.util.Optional;

/**
 * {@code --backend dpdk}: DPDK 22.11 (Debian's {@code dpdk}) through FFM. By default a kernel
 * interface is read through DPDK's {@code net_af_packet} virtual device (no NIC, no hugepages
 * needed); with raw EAL arguments ({@link EalArguments}) any port DPDK can drive. Needs root (the
 * af_packet device opens a packet socket; a NIC needs vfio). The EAL starts once per process, at
 * the first open, and stays up until the JVM exits.
 */
public final class DpdkBackend implements LiveBackend {
    public static final String NAME = "dpdk";
    /** Frames taken per burst: DPDK's usual 32..64. */
    static final int BURST = 64;
    /** RX descriptors asked of a NIC (the af_packet device sizes its ring from framecnt instead). */
    static final int RX_DESCRIPTORS = 1024;
    /** mbufs for a NIC: more than the descriptors plus a burst (2^n - 1 suits the mempool's ring). */
    static final int NIC_MBUFS = 8191;
    /** A NIC's mbuf data room ({@code RTE_MBUF_DEFAULT_BUF_SIZE}); longer frames come as chained mbufs, which the source follows. */
    static final int NIC_DATA_ROOM = 2048 + 128;

    static final String NO_FILTER = "the dpdk backend has no capture filter (-f): DPDK hands over every frame of the port;"
            + " use a display filter (-Y), or --backend afpacket for a kernel BPF filter";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "DPDK 22.11 through FFM (rx bursts; a kernel interface through the net_af_packet vdev, af_xdp:IF through net_af_xdp,"
                + " or any port given by raw EAL arguments in " + EalArguments.ENV + "; drop counters from rte_eth_stats)";
    }

    @Override
    public Availability available() {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) return Availability.no("DPDK here is Linux only (this is " + os + "): use --backend pcap");
        String why = Eal.unavailableReason();
        return why == null ? Availability.YES : Availability.no(why);
    }

    @Override
    public Optional<String> checkFilter(String filter) {
        return filter == null || filter.isBlank() ? Optional.empty() : Optional.of(NO_FILTER);
    }

    @Override
    public LiveSource open(LiveOptions options) throws SourceException {
        String name = options.interfaceName();
        if (options.filter() != null) throw new SourceException(NO_FILTER);
        if (options.fanout().threads() > 1) {
            throw new SourceException(name + ": the dpdk backend reads one queue per capture: no fanout (use --backend afpacket)");
        }
        if (options.queues() > 1) {
            throw new SourceException(name + ": the dpdk backend reads one queue per capture, not " + options.queues() + " (use --backend xdp)");
        }
        Availability a = available();
        if (!a.ok()) throw new SourceException(a.reason());
        EalArguments args = EalArguments.current();
        EalArguments.Vdev vdev = null;
        if (!args.raw()) {
            String iface = EalArguments.kernelName(name);
            // as the other backends check before opening, with the same words
            if (!KernelLink.exists(iface)) throw new SourceException(LiveErrors.noSuchInterface(iface, KernelLink.names()));
            if (!KernelLink.up(iface)) throw new SourceException(LiveErrors.interfaceDown(iface));
            if (!KernelLink.mayCapture()) throw new SourceException(LiveErrors.noPermission(iface));
            if (!KernelLink.mayAdminister()) throw new SourceException(name + ": " + NEEDS_NET_ADMIN);
            if (name.startsWith(EalArguments.AF_XDP_PREFIX)) refuseAnotherXdpProgram(name, iface);
            vdev = EalArguments.vdevFor(name, KernelLink.mtu(iface), options.bufferBytes() == 0 ? LiveOptions.DEFAULT_BUFFER_BYTES : options.bufferBytes());
        }
        DpdkPort port;
        try {
            Eal.init(args.eal());
            DpdkPort.Config config = vdev != null
                    ? new DpdkPort.Config(vdev.driver(), vdev.args(), vdev.mbufs(), vdev.dataRoom(), RX_DESCRIPTORS, options.promiscuous())
                    : new DpdkPort.Config(name, null, NIC_MBUFS, NIC_DATA_ROOM, RX_DESCRIPTORS, options.promiscuous());
            port = openRetryingABusyQueue(config);
        } catch (DpdkException e) {
            throw new SourceException(e.kind() == DpdkException.Kind.DEVICE || e.kind() == DpdkException.Kind.PORT ? name + ": " + e.getMessage() : e.getMessage());
        }
        DpdkSource source = new DpdkSource(port, options, vdev == null ? null : vdev.iface(), options.busyPoll() ? new BusyPoll(true) : BusyPoll.current());
        source.start();
        return source;
    }

    static final String NEEDS_NET_ADMIN = "the dpdk backend needs CAP_NET_ADMIN as well as CAP_NET_RAW on a kernel interface"
            + " (DPDK sets the interface's MAC address and flags when its port starts): run as root, or grant both"
            + " (setpriv --inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin), or use --backend afpacket, which needs CAP_NET_RAW only";

    /**
     * {@code -i af_xdp:IF} on an interface that already has an XDP program (another capture's, xdp or dpdk, or an
     * administrator's) is refused before DPDK's af_xdp driver touches it: the driver would join that program, fail to
     * bind its socket to the queue the other capture holds, and then detach the interface's program (DPDK 22.11's
     * remove_xdp_program takes whatever is attached), leaving the other capture with nothing. The xdp backend
     * refuses the same case with EBUSY and leaves the program be.
     */
    private static void refuseAnotherXdpProgram(String name, String iface) throws SourceException {
        int ifindex = KernelLink.index(iface);
        int id = ifindex == 0 ? 0 : dev.cellscope.nativetap.packet.XdpAttachment.programId(ifindex);
        if (id != 0) {
            throw new SourceException(name + ": '" + iface + "' already has an XDP program (id " + id + ": another capture's, or one"
                    + " loaded by hand), which DPDK's af_xdp driver would remove; stop that capture, or remove the program"
                    + " (xdp-loader unload " + iface + " --all; Debian package xdp-tools)");
        }
    }

    /**
     * Opens the port; an AF_XDP socket that cannot be made is tried again for up to
     * {@link #XSK_RETRY_MILLIS}: the kernel frees a closed XDP socket's hold on its queue in deferred
     * work, so a capture opened right after another closed (or after a failed attempt) can find the
     * queue still busy for a moment (bind gives EBUSY; DPDK only logs "Failed to create xsk socket").
     * Seen in CI: the second open, 0.05 s after a refused one, failed this way.
     */
    private static DpdkPort openRetryingABusyQueue(DpdkPort.Config config) {
        long deadline = System.nanoTime() + XSK_RETRY_MILLIS * 1_000_000L;
        while (true) {
            try {
                return DpdkPort.open(config);
            } catch (DpdkException e) {
                boolean xsk = config.name().startsWith("net_af_xdp") && String.valueOf(e.getMessage()).contains("Failed to create xsk socket");
                if (!xsk || System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static final long XSK_RETRY_MILLIS = 2_000;

    /** The kernel's interfaces, as the afpacket backend lists them (with raw EAL arguments, -i names an EAL port instead). */
    @Override
    public List<CaptureInterface> interfaces() {
        return new AfPacketBackend().interfaces();
    }
}
