package dev.cellscope.samples;

import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.UdpEncapsulation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code mixed-wire}: the mesh transfers over 1% loss as a real mirror port would show them beside
 * other traffic. Alice↔Bob is raw 0x88B5 tagged VLAN 100; Carol↔Bob is UTCP over UDP port 34997
 * (IPv4, the [decided] encapsulation); and every millisecond of the first 300 ms another host's
 * frame passes: IPv4/UDP DNS queries and IPv6/UDP mDNS, which the analysis must leave alone.
 */
final class MixedWireScenario {
    private MixedWireScenario() {}

    static final String DESCRIPTION = "the mesh transfers over 1% loss on a shared mirror port: Alice↔Bob raw 0x88B5 in VLAN 100, "
            + "Carol↔Bob UTCP over UDP/34997 (IPv4), beside IPv4 DNS and IPv6 mDNS from other hosts";
    static final int VLAN = 100;
    static final int BOB_IP = 0x0A000002, CAROL_IP = 0x0A000003;
    static final int BACKGROUND_FRAMES = 300;
    private static final long OTHER_MAC_A = 0x02000000D0D0L, OTHER_MAC_B = 0x02000000E0E0L;

    static Map<String, Object> run(String name, Path out, long seed) throws IOException {
        Map<String, Object> t = Scenarios.mesh(name, out, FaultModel.clean().withLoss(0.01), seed, 1, r -> {
            r.vlan("alice", VLAN);
            r.ipv4("bob", BOB_IP);
            r.ipv4("carol", CAROL_IP);
            background(r, 0);
        });
        Map<String, Object> background = Json.object();   // ordered: Map.of's order changes from run to run
        background.put("frames", BACKGROUND_FRAMES);
        background.put("kinds", "IPv4/UDP 53 (DNS query) and IPv6/UDP 5353 (mDNS), alternating every 1 ms, from hosts outside the mesh");
        t.put("background", background);
        return t;
    }

    /** One foreign frame now and the next in a millisecond, {@link #BACKGROUND_FRAMES} in all. */
    private static void background(ScenarioRunner r, int n) {
        if (n == BACKGROUND_FRAMES) return;
        Bytes query = Bytes.of(("query " + n + " example.org").getBytes(StandardCharsets.US_ASCII));
        byte[] frame = n % 2 == 0
                ? UdpEncapsulation.overIpv4(OTHER_MAC_A, OTHER_MAC_B, 0xC0A80105, 0xC0A80101, 40_000 + n, 53, query)
                : UdpEncapsulation.overIpv6(OTHER_MAC_B, OTHER_MAC_A, Bytes.of(v6(0x10)), Bytes.of(v6(0xfb)), 5353, 5353, query);
        r.foreign(frame, null);
        r.scheduler.schedule(1_000_000, () -> background(r, n + 1));
    }

    private static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe; a[1] = (byte) 0x80; a[15] = (byte) last;
        return a;
    }
}
