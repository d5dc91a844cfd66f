package dev.cellscope.live.pcap;

import dev.cellscope.live.AddressText;
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
                if (a.getAddress() != null) addresses.add(AddressText.of(a.getAddress()));
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
}
