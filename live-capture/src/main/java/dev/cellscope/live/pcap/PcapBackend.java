package dev.cellscope.live.pcap;

import dev.cellscope.live.CaptureInterface;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.LiveSource;
import dev.cellscope.session.SourceException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.pcap4j.util.LinkLayerAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code --backend pcap}: libpcap through pcap4j (the system's libpcap, found by JNA). */
public final class PcapBackend implements LiveBackend {
    public static final String NAME = "pcap";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "libpcap through pcap4j (any interface libpcap can open; BPF filter; kernel drop counters)";
    }

    @Override
    public Availability available() {
        try {
            Pcaps.libVersion();
            return Availability.YES;
        } catch (LinkageError e) {
            // JNA could not load libpcap (or JNA's own native part): name the package that brings it.
            return Availability.no("libpcap not found (" + e.getMessage() + "): install it (apt-get install libpcap0.8)");
        }
    }

    @Override
    public LiveSource open(LiveOptions options) throws SourceException {
        return PcapSource.open(options, this::interfaceNames);
    }

    /** Compiled by libpcap for Ethernet (a dead handle): the link type every cellscope capture has. */
    @Override
    public Optional<String> checkFilter(String filter) {
        PcapHandle dead;
        try {
            dead = Pcaps.openDead(DataLinkType.EN10MB, LiveOptions.MAX_SNAPLEN);
        } catch (PcapNativeException e) {
            return Optional.empty(); // cannot check now: opening will
        }
        try {
            dead.compileFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE, PcapHandle.PCAP_NETMASK_UNKNOWN).free();
            return Optional.empty();
        } catch (PcapNativeException e) {
            return Optional.of(PcapErrors.filter(filter, e.getMessage()));
        } catch (NotOpenException e) {
            return Optional.empty();
        } finally {
            dead.close();
        }
    }

    @Override
    public List<CaptureInterface> interfaces() throws SourceException {
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            // pcap4j throws when no interface at all is found: an empty list, not an error.
            if (String.valueOf(e.getMessage()).contains("No NIF")) return List.of();
            throw new SourceException("cannot list interfaces: " + e.getMessage());
        }
        List<CaptureInterface> out = new ArrayList<>();
        for (PcapNetworkInterface d : devices) {
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                if (a.getAddress() != null) addresses.add(text(a.getAddress()));
            }
            for (LinkLayerAddress mac : d.getLinkLayerAddresses()) addresses.add(mac.toString());
            String description = d.getDescription();
            out.add(new CaptureInterface(d.getName(), description == null || description.isBlank() ? null : description,
                    addresses, d.isUp(), d.isRunning(), d.isLoopBack()));
        }
        return out;
    }

    private List<String> interfaceNames() {
        try {
            return interfaces().stream().map(CaptureInterface::name).toList();
        } catch (SourceException e) {
            return List.of();
        }
    }

    private static String text(InetAddress a) {
        return a instanceof Inet6Address ? ipv6(a.getAddress()) : a.getHostAddress();
    }

    /** RFC 5952 text, as ip and tshark print it (fe80::1, not Java's fe80:0:0:0:0:0:0:1%veth0). */
    static String ipv6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLength = 1; // only a run of two or more zero groups becomes "::"
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) return groups(g, 0, 8);
        return groups(g, 0, bestStart) + "::" + groups(g, bestStart + bestLength, 8);
    }

    private static String groups(int[] g, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
