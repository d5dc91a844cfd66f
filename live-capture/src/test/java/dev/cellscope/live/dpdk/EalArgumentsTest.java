package dev.cellscope.live.dpdk;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented mapping of {@code -i} and the environment to EAL arguments and devices (live-capture/README.md, "dpdk"). */
class EalArgumentsTest {

    @Test
    void withoutRawArgumentsTheEalRunsWithoutHugepagesOrPciInARuntimeDirectoryOfThisProcess() {
        EalArguments a = EalArguments.of(null, Map.of());
        assertFalse(a.raw());
        assertEquals(List.of("--no-huge", "--no-shconf", "-m", "512", "--no-pci", "--no-telemetry", "--file-prefix=cellscope-" + ProcessHandle.current().pid()), a.eal());
    }

    @Test
    void rawArgumentsComeFromThePropertyElseTheEnvironmentSplitAtWhiteSpace() {
        EalArguments env = EalArguments.of(null, Map.of("CELLSCOPE_DPDK_EAL_ARGS", "  -l 2  -a 0000:3b:00.0\t--file-prefix=x "));
        assertTrue(env.raw());
        assertEquals(List.of("-l", "2", "-a", "0000:3b:00.0", "--file-prefix=x"), env.eal());
        EalArguments prop = EalArguments.of("--no-huge -m 64", Map.of("CELLSCOPE_DPDK_EAL_ARGS", "-l 2"));
        assertEquals(List.of("--no-huge", "-m", "64"), prop.eal());
        assertFalse(EalArguments.of(" ", Map.of("CELLSCOPE_DPDK_EAL_ARGS", "")).raw());
    }

    @Test
    void aKernelInterfaceBecomesAnAfPacketDeviceWhoseFramesHoldItsMtu() {
        EalArguments.Vdev std = EalArguments.vdevFor("eth1", 1500, 2L << 20);
        assertEquals("net_af_packet", std.driver());
        assertEquals("iface=eth1,qpairs=1,blocksz=4096,framesz=2048,framecnt=1024", std.args());
        assertEquals(2048 + 128, std.dataRoom());
        EalArguments.Vdev jumbo = EalArguments.vdevFor("veth0", 9000, 2L << 20);
        assertEquals("iface=veth0,qpairs=1,blocksz=16384,framesz=16384,framecnt=512", jumbo.args());
        assertEquals(16384 + 128, jumbo.dataRoom());
        EalArguments.Vdev lo = EalArguments.vdevFor("lo", 65536, 2L << 20);
        assertEquals(32768 + 128, lo.dataRoom(), "at most 32 KiB: an mbuf's data room is 16 bits");
        assertEquals(2047, std.mbufs());
    }

    @Test
    void anAfXdpPrefixChoosesDpdksAfXdpDriver() {
        EalArguments.Vdev x = EalArguments.vdevFor("af_xdp:veth0", 1500, 2L << 20);
        assertEquals("net_af_xdp", x.driver());
        assertEquals("veth0", x.iface());
        assertEquals("iface=veth0,start_queue=0,queue_count=1", x.args());
        assertEquals(8191, x.mbufs());
        assertEquals("veth0", EalArguments.kernelName("af_xdp:veth0"));
        assertEquals("veth0", EalArguments.kernelName("veth0"));
    }

    @Test
    void busyPollingIsOffUnlessAsked() {
        assertFalse(BusyPoll.on(null, Map.of()));
        assertTrue(BusyPoll.on(null, Map.of("CELLSCOPE_DPDK_BUSY_POLL", "1")));
        assertTrue(BusyPoll.on("true", Map.of()));
        assertFalse(BusyPoll.on("false", Map.of("CELLSCOPE_DPDK_BUSY_POLL", "1")), "the property wins");
    }
}
