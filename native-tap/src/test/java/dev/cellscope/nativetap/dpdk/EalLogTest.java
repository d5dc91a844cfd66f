package dev.cellscope.nativetap.dpdk;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Picking why out of DPDK's log: the lines are DPDK 22.11's own (net_pcap with an interface that does not exist). */
class EalLogTest {
    static final String LOG = """
            EAL: Detected CPU lcores: 2
            EAL: Detected NUMA nodes: 1
            open_iface_live(): Couldn't open nosuch: nosuch: No such device exists (No such device exists)
            open_single_iface(): Couldn't open interface nosuch
            vdev_probe(): failed to initialize net_pcap0 device
            EAL: Bus (vdev) probe failed.
            """;

    /** User review: "DPDK has no port net_pcap0 (give the EAL the device with --vdev …)" when --vdev had been given. */
    @Test
    void aDeviceThatMadeNoPortIsExplainedByTheDriversLine() {
        assertEquals("open_iface_live(): Couldn't open nosuch: nosuch: No such device exists (No such device exists); "
                + "vdev_probe(): failed to initialize net_pcap0 device", EalLog.about(LOG, "net_pcap0"));
        assertNull(EalLog.about(LOG, "net_pcap1"), "the log says nothing of another device");
    }

    /** libxdp's probing fails first (a program load refused), then the kernel says why the socket cannot be made. */
    @Test
    void theKernelsOwnMessageIsPreferred() {
        String log = """
                libbpf: prog 'xdp_pass': BPF program load failed: Operation not permitted
                libxdp: Error attaching XDP program to ifindex 13: Numerical result out of range
                libbpf: Kernel error message: veth: Peer MTU is too large to set XDP
                xsk_configure(): Failed to create xsk socket.
                """;
        assertEquals("libbpf: Kernel error message: veth: Peer MTU is too large to set XDP", EalLog.reason(log));
    }
}
