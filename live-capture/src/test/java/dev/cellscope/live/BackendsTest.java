package dev.cellscope.live;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The registry: every backend found through ServiceLoader, the default first and chosen without --backend. */
class BackendsTest {

    @Test
    void everyBackendIsFoundTheDefaultFirst() {
        assertEquals(List.of("afpacket", "dpdk", "pcap", "xdp"), Backends.names());
    }

    @Test
    void withoutANameTheRingOnLinux() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "AF_PACKET is Linux only");
        assertEquals("afpacket", Backends.get(null).name());
        assertEquals("pcap", Backends.get("pcap").name());
    }
}
