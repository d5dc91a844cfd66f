package dev.cellscope.live.afpacket;

import dev.cellscope.live.CaptureInterface;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.LiveErrors;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.LiveSource;
import dev.cellscope.nativetap.packet.BpfCompiler;
import dev.cellscope.nativetap.packet.CaptureFilterException;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.RingConfig;
import dev.cellscope.nativetap.packet.TpacketV3Ring;
import dev.cellscope.session.SourceException;

import java.util.List;
import java.util.Optional;

/**
 * {@code --backend afpacket}: the kernel's AF_PACKET TPACKET_V3 memory-mapped ring, reached through
 * FFM ({@link TpacketV3Ring} in native-tap). Needs Linux and CAP_NET_RAW; libpcap only to compile a
 * capture filter.
 */
public final class AfPacketBackend implements LiveBackend {
    public static final String NAME = "afpacket";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the AF_PACKET TPACKET_V3 ring through FFM (Linux; a wake-up per block, not per frame; BPF filter; PACKET_FANOUT; drop counters)";
    }

    @Override
    public Availability available() {
        String os = System.getProperty("os.name", "");
        return os.startsWith("Linux") ? Availability.YES
                : Availability.no("AF_PACKET is Linux only (this is " + os + "): use --backend pcap");
    }

    @Override
    public LiveSource open(LiveOptions options) throws SourceException {
        String ifname = options.interfaceName();
        // what libpcap checks when it activates a handle, so both backends refuse the same things alike
        if (!LinkState.exists(ifname)) throw new SourceException(LiveErrors.noSuchInterface(ifname, LinkState.names()));
        if (!LinkState.up(ifname)) throw new SourceException(LiveErrors.interfaceDown(ifname));
        int linkType = LinkState.linkType(ifname);
        if (linkType < 0) {
            throw new SourceException(ifname + ": link type ARPHRD " + LinkState.hardwareType(ifname)
                    + " is neither Ethernet nor raw IP, which this backend reads: use --backend pcap");
        }
        RingConfig config;
        try {
            config = RingSizing.config(options);
        } catch (IllegalArgumentException e) {
            throw new SourceException(ifname + ": " + e.getMessage());
        }
        TpacketV3Ring ring;
        try {
            ring = TpacketV3Ring.open(config);
        } catch (CaptureFilterException e) {
            throw new SourceException(e.getMessage()); // "bad capture filter 'F': <libpcap's reason>", or libpcap missing
        } catch (IllegalArgumentException e) {
            throw new SourceException(ifname + ": " + optionNames(e.getMessage(), options));
        } catch (PacketSocketException e) {
            throw new SourceException(openFailure(ifname, e, options));
        }
        AfPacketSource source = new AfPacketSource(ring, options, linkType);
        source.start();
        return source;
    }

    /** One line naming the fix, worded as the pcap backend's where the situation is the same. */
    static String openFailure(String ifname, PacketSocketException e, LiveOptions options) {
        String errno = e.errnoName() == null ? "" : e.errnoName();
        return switch (errno) {
            case "EPERM", "EACCES" -> LiveErrors.noPermission(ifname);
            case "ENODEV", "ENXIO" -> LiveErrors.noSuchInterface(ifname, LinkState.names());
            case "ENETDOWN" -> LiveErrors.interfaceDown(ifname);
            default -> ifname + ": " + optionNames(e.getMessage(), options);
        };
    }

    /** native-tap names its own knobs; here the user has -B (or, through the API, LiveOptions.Ring). */
    private static String optionNames(String message, LiveOptions options) {
        String fix = RingSizing.fromBuffer(options) ? "lower -B (the ring is " + (options.bufferBytes() >> 20) + " MiB)" : "use a smaller LiveOptions.Ring";
        return message.replace("lower --ring-blocks/--ring-block-size", fix)
                .replace("change --ring-block-size", "change LiveOptions.Ring's block size")
                .replace("change --ring-blocks", "change LiveOptions.Ring's block count");
    }

    /** Compiled by libpcap for Ethernet, as the ring will compile it (a dead handle: nothing is opened yet). */
    @Override
    public Optional<String> checkFilter(String filter) {
        try {
            BpfCompiler.compileForEthernet(LiveOptions.MAX_SNAPLEN, filter);
            return Optional.empty();
        } catch (CaptureFilterException e) {
            String m = String.valueOf(e.getMessage());
            // without libpcap a filter cannot be checked now: opening says so, as a failure, not a usage error
            return m.startsWith("capture filters need libpcap") ? Optional.empty() : Optional.of(m);
        }
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return LinkState.interfaces();
    }
}
