package dev.cellscope.live.xdp;

import dev.cellscope.live.CaptureInterface;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.LiveErrors;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.LiveSource;
import dev.cellscope.live.afpacket.LinkState;
import dev.cellscope.nativetap.packet.BpfCompiler;
import dev.cellscope.nativetap.packet.BpfProgram;
import dev.cellscope.nativetap.packet.CaptureFilterException;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.XdpCapture;
import dev.cellscope.session.SourceException;

import java.util.List;
import java.util.Optional;

/**
 * {@code --backend xdp}: AF_XDP through FFM. libxdp's default redirect program is attached to the
 * interface for the capture's lifetime (native mode where the driver has it, as veth and most NIC
 * drivers do; generic otherwise) and sends every frame of each receive queue to a socket of ours,
 * whose rings are read from Java with no system call per frame. Frames taken by XDP no longer reach
 * the kernel's stack, nor other captures (tcpdump) on the interface: this backend is for a mirror
 * port. Needs root (CAP_NET_RAW, CAP_NET_ADMIN and CAP_BPF) and Debian's libxdp1 and libbpf1.
 */
public final class XdpBackend implements LiveBackend {
    public static final String NAME = "xdp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "AF_XDP through FFM (Linux; libxdp's redirect program on the interface, UMEM rings read from Java,"
                + " one socket and thread per receive queue; BPF filter run in Java; drop counters from XDP_STATISTICS;"
                + " frames no longer reach the kernel's stack while it runs)";
    }

    @Override
    public Availability available() {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) return Availability.no("AF_XDP is Linux only (this is " + os + "): use --backend pcap");
        String why = XdpCapture.unavailableReason();
        return why == null ? Availability.YES : Availability.no(why);
    }

    /** Compiled by libpcap for Ethernet (a dead handle: nothing is opened yet), as for the afpacket backend. */
    @Override
    public Optional<String> checkFilter(String filter) {
        if (filter == null || filter.isBlank()) return Optional.empty();
        try {
            BpfCompiler.compileForEthernet(LiveOptions.MAX_SNAPLEN, filter);
            return Optional.empty();
        } catch (CaptureFilterException e) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("capture filters need libpcap") ? Optional.empty() : Optional.of(m);
        }
    }

    @Override
    public LiveSource open(LiveOptions options) throws SourceException {
        String ifname = options.interfaceName();
        Availability a = available();
        if (!a.ok()) throw new SourceException(a.reason());
        // what the other backends check before opening, with the same words
        if (!LinkState.exists(ifname)) throw new SourceException(LiveErrors.noSuchInterface(ifname, LinkState.names()));
        if (!LinkState.up(ifname)) throw new SourceException(LiveErrors.interfaceDown(ifname));
        if (options.fanout().threads() > 1 || options.fanout().group() != 0) {
            throw new SourceException(ifname + ": the xdp backend reads every receive queue of the interface itself (a socket and a thread each):"
                    + " no PACKET_FANOUT (use --backend afpacket)");
        }
        XdpCapture.Config config;
        try {
            config = XdpSizing.config(options);
        } catch (IllegalArgumentException e) {
            throw new SourceException(ifname + ": " + e.getMessage());
        }
        BpfProgram filter = null;
        if (options.filter() != null) {
            try {
                // on a handle of the interface, as tcpdump compiles (before XDP takes the interface's frames)
                filter = BpfCompiler.compileFor(ifname, options.snaplen(), options.filter());
            } catch (CaptureFilterException e) {
                throw new SourceException(e.getMessage());
            }
        }
        XdpCapture capture;
        try {
            capture = XdpCapture.open(config);
        } catch (PacketSocketException e) {
            throw new SourceException(openFailure(ifname, e));
        }
        XdpSource source = new XdpSource(capture, options, filter);
        source.start();
        return source;
    }

    /** One line naming the fix; worded as the other backends' where the situation is the same. */
    static String openFailure(String ifname, PacketSocketException e) {
        String errno = e.errnoName() == null ? "" : e.errnoName();
        String m = String.valueOf(e.getMessage());
        return switch (errno) {
            case "EPERM", "EACCES" -> m.contains("needs CAP_NET_RAW") ? LiveErrors.noPermission(ifname)
                    : ifname + ": " + m; // the program's attach: names CAP_NET_ADMIN and CAP_BPF
            case "ENODEV", "ENXIO" -> LiveErrors.noSuchInterface(ifname, LinkState.names());
            case "ENETDOWN" -> LiveErrors.interfaceDown(ifname);
            default -> ifname + ": " + m;
        };
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return LinkState.interfaces();
    }
}
