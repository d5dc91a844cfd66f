package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the endpoint's UDP link relies on when a route's MTU is smaller than loopback's: the kernel refuses a
 * segmented send whose datagrams would not fit the MTU with {@code EMSGSIZE} ({@code EINVAL} before Linux 6.x; the link then sends that size one
 * datagram per call), and takes one whose datagrams fit. Over a real veth pair into a namespace (root only).
 */
class UdpSocketVethTest {

    @Test
    void aSegmentLargerThanTheRoutesMtuIsRefused() throws Exception {
        try (NetnsVeth v = NetnsVeth.create("u")) {
            long pid = ProcessHandle.current().pid();
            String net = "10." + (200 + pid % 50) + "." + (pid / 50 % 250) + ".";
            NetnsVeth.ip("addr", "add", net + "1/24", "dev", v.receiver);
            NetnsVeth.ip("link", "set", v.receiver, "mtu", "1000");
            v.inNamespace("ip", "addr", "add", net + "2/24", "dev", v.sender);
            try (UdpSocket s = UdpSocket.open(new InetSocketAddress(InetAddress.getByName(net + "1"), 0), 1 << 20)) {
                assumeTrue(s.segmentOffload(), "this kernel refuses UDP_SEGMENT (Linux before 4.18): nothing to test");
                InetSocketAddress far = new InetSocketAddress(InetAddress.getByName(net + "2"), 9);
                byte[] data = new byte[3 * 1400];
                PacketSocketException e = assertThrows(PacketSocketException.class, () -> s.send(far, data, data.length, 1400));
                assertTrue(e.errnoName().equals("EMSGSIZE") || e.errnoName().equals("EINVAL"), e.getMessage()); // EINVAL in older kernels
                assertTrue(s.send(far, data, 3 * 900, 900), "datagrams that fit the MTU are cut as asked");
                assertTrue(s.send(far, data, 1400, 1400), "one datagram over the MTU is fragmented, as any UDP send");
            }
        }
    }
}
