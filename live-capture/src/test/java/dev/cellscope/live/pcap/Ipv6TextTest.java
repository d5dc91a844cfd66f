package dev.cellscope.live.pcap;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** -D shows IPv6 addresses as RFC 5952 (and ip, tshark) write them. */
class Ipv6TextTest {
    private static String text(String address) throws Exception {
        return PcapBackend.ipv6(InetAddress.getByName(address).getAddress());
    }

    @Test
    void theLongestRunOfZerosBecomesADoubleColonOnlyOnce() throws Exception {
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::fc:ff:fe00:1", text("fe80:0:0:0:fc:ff:fe00:1"));
        assertEquals("fd00::2", text("fd00:0:0:0:0:0:0:2"));
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1")); // the first of two equal runs
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1")); // one zero group stays
        assertEquals("1::", text("1:0:0:0:0:0:0:0"));
    }
}
