package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.nativetap.packet.PacketSocket;
import dev.cellscope.nativetap.packet.ReceivedFrame;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A route whose MTU is smaller than the batched datagrams: the kernel refuses to cut them, and the link must send
 * the batch (and that size from then on) one datagram per call, losing nothing. Over a real veth pair with MTU
 * 1000: the link's address is on end a, the far address a static neighbour behind it, and an AF_PACKET socket on
 * end b sees what left the link (IPv4 fragments: 1,428 bytes do not fit 1,000).
 */
class UdpLinkMtuTest {

    @Test
    void aSizeTheRouteCannotCutGoesOneDatagramPerCall() throws Exception {
        String why = RawEthernetLinkTest.whyNoVeth();
        assumeTrue(why == null, why);
        String ip = RawEthernetLinkTest.which("ip"), a = "cs-" + ProcessHandle.current().pid() + "ma", b = a.replaceFirst("a$", "b");
        long pid = ProcessHandle.current().pid();
        String net = "10." + (200 + pid % 50) + "." + (pid / 50 % 250) + ".";
        String err = RawEthernetLinkTest.run(ip, "link", "add", a, "type", "veth", "peer", "name", b);
        assumeTrue(err.isEmpty(), "cannot create a veth pair (no veth in this kernel?): ip link add: " + err);
        try {
            String bMac = Files.readString(Path.of("/sys/class/net", b, "address")).strip();
            for (String[] cmd : new String[][] {{"link", "set", a, "mtu", "1000", "up"}, {"link", "set", b, "up"},
                    {"addr", "add", net + "1/24", "dev", a}, {"neigh", "replace", net + "2", "lladdr", bMac, "dev", a, "nud", "permanent"}}) {
                String[] full = new String[cmd.length + 1];
                full[0] = ip;
                System.arraycopy(cmd, 0, full, 1, cmd.length);
                String e = RawEthernetLinkTest.run(full);
                assertEquals("", e, String.join(" ", cmd));
            }
            try (PacketSocket wire = PacketSocket.open(b, 0x0800); RealScheduler s = new RealScheduler("udp");
                 UdpLink link = UdpLink.bind(new InetSocketAddress(InetAddress.getByName(net + "1"), 0), s)) {
                assumeTrue(link.offload().startsWith("segmentation"), "no UDP_SEGMENT here: " + link.offload());
                InetSocketAddress far = new InetSocketAddress(InetAddress.getByName(net + "2"), 9);
                s.submit(() -> {
                    for (int i = 0; i < 5; i++) link.send(far, payload(i));
                    return null;
                }).get();
                s.submit(() -> null).get(); // the turn's flush task has run
                assertEquals("datagrams of 1428 bytes or more one per call", link.offloadTrouble());
                assertEquals(0, link.sendErrors());
                // each datagram leaves as a first fragment (offset 0) carrying its UDP header and the payload's start
                byte[] buf = new byte[2048];
                int firsts = 0;
                while (firsts < 5) {
                    ReceivedFrame f = wire.receive(buf, 5000);
                    assertNotNull(f, "only " + firsts + " of 5 datagrams left the link");
                    ByteBuffer ipv4 = ByteBuffer.wrap(buf, 0, f.length());
                    int ihl = (ipv4.get(0) & 0x0f) * 4;
                    if (ipv4.get(9) != 17 || (ipv4.getShort(6) & 0x1fff) != 0) continue; // not UDP, or a later fragment
                    assertEquals(9, ipv4.getShort(ihl + 2) & 0xffff, "destination port");
                    assertEquals(8 + 1428, ipv4.getShort(ihl + 4) & 0xffff, "UDP length: one payload per datagram");
                    byte[] start = Arrays.copyOfRange(buf, ihl + 8, f.length());
                    assertArrayEquals(Arrays.copyOf(payload(firsts), start.length), start, "datagram " + firsts);
                    firsts++;
                }
            }
        } finally {
            RawEthernetLinkTest.run(ip, "link", "del", a);
        }
    }

    private static byte[] payload(int seed) {
        byte[] b = new byte[1428];
        new Random(seed).nextBytes(b);
        return b;
    }
}
