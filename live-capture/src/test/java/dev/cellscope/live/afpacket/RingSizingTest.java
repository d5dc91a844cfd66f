package dev.cellscope.live.afpacket;

import dev.cellscope.live.LiveOptions;
import dev.cellscope.nativetap.packet.Fanout;
import dev.cellscope.nativetap.packet.RingConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How -B and the other options become the ring (the mapping the README documents). */
class RingSizingTest {
    private static final int KIB = 1024, MIB = 1 << 20;

    @Test
    void dashBIsCutIntoBlocksOf256KiBAsLibpcapDoes() {
        RingConfig two = RingSizing.config(LiveOptions.of("eth1")); // -B 2, the default
        assertEquals(256 * KIB, two.blockSize());
        assertEquals(8, two.blockCount());
        assertEquals(64 * MIB, RingSizing.config(LiveOptions.of("eth1").withBufferBytes(64L * MIB)).ringBytes());
        assertEquals(4, RingSizing.config(LiveOptions.of("eth1").withBufferBytes(MIB)).blockCount(), "1 MiB: 4 blocks");
        assertEquals(4, RingSizing.config(LiveOptions.of("eth1").withBufferBytes(1000)).blockCount(), "at least 4 blocks");
        assertEquals(9, RingSizing.config(LiveOptions.of("eth1").withBufferBytes(2L * MIB + 1)).blockCount(), "rounded up");
        assertEquals(8, RingSizing.config(LiveOptions.of("eth1").withBufferBytes(0)).blockCount(), "0: the default 2 MiB");
        assertTrue(RingSizing.fromBuffer(LiveOptions.of("eth1")));
    }

    @Test
    void theRingKnobsOverrideEitherNumber() {
        LiveOptions o = LiveOptions.of("eth1").withBufferBytes(64L * MIB);
        RingConfig blocks = RingSizing.config(o.withRing(new LiveOptions.Ring(MIB, 0)));
        assertEquals(MIB, blocks.blockSize());
        assertEquals(64, blocks.blockCount(), "the count still from -B");
        RingConfig both = RingSizing.config(o.withRing(new LiveOptions.Ring(4096, 3)));
        assertEquals(4096, both.blockSize());
        assertEquals(3, both.blockCount());
        assertFalse(RingSizing.fromBuffer(o.withRing(new LiveOptions.Ring(0, 3))));
    }

    @Test
    void theOtherOptionsPassThrough() {
        RingConfig c = RingSizing.config(LiveOptions.of("eth1").withSnaplen(128).withPromiscuous(false).withFilter("udp")
                .withBufferTimeoutMillis(37));
        assertEquals("eth1", c.interfaceName());
        assertEquals(128, c.snaplen());
        assertFalse(c.promiscuous());
        assertEquals("udp", c.filter());
        assertEquals(37, c.retireTimeoutMillis(), "the buffer timeout retires a part-filled block");
        assertTrue(c.reinsertVlan(), "VLAN tags back in the frame, as libpcap");
        assertNull(c.fanout());
    }

    @Test
    void fanoutModesAndOneMemberPerCapture() {
        assertNull(RingSizing.fanout(LiveOptions.Fanout.NONE));
        assertEquals(Fanout.hash(7), RingSizing.fanout(new LiveOptions.Fanout(7, "hash", 1)));
        assertEquals(Fanout.Mode.LOAD_BALANCE, RingSizing.fanout(new LiveOptions.Fanout(7, "lb", 1)).mode());
        assertEquals(Fanout.Mode.CPU, RingSizing.fanout(new LiveOptions.Fanout(7, "CPU", 1)).mode());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> RingSizing.fanout(new LiveOptions.Fanout(7, "nope", 1)));
        assertEquals("fanout mode 'nope' is not one of hash, lb, cpu, rollover, random, qm", mode.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RingSizing.fanout(new LiveOptions.Fanout(7, "hash", 2)));
    }
}
